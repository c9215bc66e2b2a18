"""contract_facts follows the deals as the services change them: after each use case the
rows kept up to date in the same transaction equal the rows rebuilt from the deals, terms and
contracts, and the staff figures read from them are the contracts' own."""

import pytest
from sqlalchemy import select

from exchange.clock import today_wib
from exchange.dashboard import queries
from exchange.dashboard.facts import rebuild
from exchange.dashboard.filters import Filters
from exchange.dashboard.models import ContractDay, ContractFact
from exchange.deals import acceptance, fulfilment
from exchange.extensions import db
from tests.factories import deal_terms, make_deal, make_listing, make_manager

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def _rows(model):
    db.session.expire_all()
    columns = list(model.__table__.columns)
    return sorted((r._asdict() for r in db.session.execute(select(*columns))), key=lambda r: str(r))


def _equal_to_a_rebuild():
    kept = _rows(ContractFact), _rows(ContractDay)
    rebuild(db.session)
    assert (_rows(ContractFact), _rows(ContractDay)) == kept
    db.session.rollback()
    return kept[0]


def test_facts_follow_signing_moves_and_a_regency_change(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        offer = make_listing(seller.pesantren, quantity=500, akad=["tunai", "tempo"])
        deal = make_deal(seller, buyer, offer=offer, terms=deal_terms(quantity=100))
        assert _equal_to_a_rebuild() == []  # negotiating: no contract yet
        acceptance.accept(seller, deal.id, 1)
        (row,) = _equal_to_a_rebuild()
        fulfilment.ship(seller, deal.id, "Truk berangkat")
        (shipped,) = _equal_to_a_rebuild()
        assert row["state"] == "signed" and shipped["state"] == "shipped"
        other = make_deal(seller, buyer, offer=offer, terms=deal_terms(quantity=50))
        acceptance.accept(seller, other.id, 1)
        assert len(_equal_to_a_rebuild()) == 2
        buyer.pesantren.regency_code = "3507"  # the buyer moved to Malang
        db.session.commit()
        assert {r["buyer_regency"] for r in _equal_to_a_rebuild()} == {"3507"}
        today = today_wib()
        f = Filters(today, today, regency_code="3507")
        fig = queries.figures(f, today)
        assert fig.signed == 2 and fig.signed_volume == 150
        assert queries.figures(Filters(today, today, regency_code="3578"), today).signed == 0
