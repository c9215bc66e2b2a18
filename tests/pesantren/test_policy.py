"""``pesantren.policy.is_trading`` and its SQL twin ``pesantren.queries.trading_ids`` agree."""

from __future__ import annotations

from exchange.extensions import db
from exchange.pesantren.policy import PesantrenStatus, is_public, is_trading
from exchange.pesantren.queries import trading_ids
from tests.factories import make_pesantren


def test_only_a_verified_pesantren_trades():
    assert [s for s in PesantrenStatus if is_trading(s)] == [PesantrenStatus.VERIFIED]
    assert not is_trading(None)
    assert is_public("verified") and not is_public("suspended")


def test_is_trading_and_trading_ids_agree(app):
    with app.app_context():
        made = {make_pesantren(status=s).id: s for s in PesantrenStatus}
        in_sql = set(db.session.scalars(trading_ids()))
    assert in_sql == {i for i, s in made.items() if is_trading(s)}
