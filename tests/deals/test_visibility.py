"""deals/visibility.py: the parties see and act on a deal, staff read it but never act, anyone
else does not learn it exists (404)."""

from __future__ import annotations

import pytest

from exchange.deals.states import Side
from exchange.deals.visibility import can_see_deal, party_deal, side_of, visible_deal
from exchange.errors import Forbidden, NotFound
from tests.factories import make_deal, make_manager, make_staff


def test_who_sees_and_who_acts(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        stranger, staff = make_manager(regency_code="3515"), make_staff()
        deal = make_deal(seller, buyer)
        assert party_deal(seller, deal.id) == deal == party_deal(buyer, deal.id)
        assert side_of(seller, deal) is Side.SELLER and side_of(buyer, deal) is Side.BUYER
        assert visible_deal(staff, deal.id) == deal and can_see_deal(staff, deal)
        with pytest.raises(Forbidden):
            party_deal(staff, deal.id)
        with pytest.raises(NotFound):
            visible_deal(stranger, deal.id)
        with pytest.raises(NotFound):
            side_of(stranger, deal)
        with pytest.raises(NotFound):
            visible_deal(seller, 999_999)
