"""``moves.apply_move``: the lifecycle table decides the next state, callers cannot."""

from __future__ import annotations

import pytest

from exchange.deals import moves
from exchange.deals.models import Deal
from exchange.deals.states import Action, Side, State
from exchange.extensions import db
from tests.factories import make_deal


@pytest.mark.parametrize("column", ["state", "version", "last_move_at"])
def test_a_caller_cannot_set_the_state_the_table_decides(app, column):
    with app.app_context():
        deal = make_deal()
        with pytest.raises(TypeError):
            moves.apply_move(deal, Action.REJECT, Side.SELLER, None, **{column: "completed"})
        db.session.rollback()
        assert db.session.get(Deal, deal.id).state == State.NEGOTIATING


def test_the_table_decides_the_state_of_a_move(app):
    with app.app_context():
        deal = make_deal()
        assert moves.apply_move(deal, Action.REJECT, Side.SELLER, None) is State.REJECTED
        assert db.session.get(Deal, deal.id).state == State.REJECTED
