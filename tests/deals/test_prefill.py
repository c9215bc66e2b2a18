"""The terms a negotiation form starts from pass the akad rules as they stand (deals/prefill.py),
and a quantity below a listing's minimum per deal is refused with a reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from exchange.clock import today_wib
from exchange.deals import akad as rules
from exchange.deals import checks, prefill
from exchange.deals import services as deals
from exchange.errors import DomainError
from exchange.extensions import db
from tests.factories import deal_terms, make_listing, make_manager, sign

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS

TODAY = date(2027, 1, 4)
AKAD = ("tunai", "tempo", "salam", "istisna", "murabahah")


def facts(start=0, end=30, akad=AKAD, price=1500, grade=2, remaining=1000, moq=None):
    return prefill.Facts(
        price,
        grade,
        remaining,
        TODAY + timedelta(days=start),
        TODAY + timedelta(days=end),
        tuple(akad),
        moq,
    )


@pytest.mark.parametrize("akad", AKAD)
def test_terms_for_every_akad_pass_its_rules(akad):
    offer, request = facts(price=1400), facts(start=3, end=20, price=2000, grade=1)
    terms = prefill.terms_for(
        offer,
        request,
        allowed=[akad],
        today=TODAY,
        handover_place="Gudang Kopontren",
        transport="buyer",
        quantity=400,
        unit_price=1700,
        akad=akad,
    )
    goods = rules.Goods(is_food=akad != "istisna", made_to_order=akad == "istisna")
    assert rules.check_terms(terms, goods, [akad], TODAY) == []
    assert (terms.quantity, terms.unit_price, terms.akad, terms.grade) == (400, 1700, akad, 2)
    assert terms.handover_date == TODAY + timedelta(days=3)  # inside both windows
    if akad == "murabahah":  # only the seller knows its cost: never prefilled (issue 25)
        assert (terms.cost_price, terms.margin, terms.seller_owns) == (None, None, False)
    if akad == "istisna":
        assert [s.amount for s in terms.schedule] == [400 * 1700]


def test_the_handover_is_tomorrow_at_the_soonest():
    assert prefill.handover_day([facts(start=0)], TODAY) == TODAY + timedelta(days=1)
    assert prefill.handover_day([facts(start=5), facts(start=2)], TODAY) == TODAY + timedelta(5)


def test_the_akad_is_the_buyers_first_preference_the_seller_accepts():
    offer, request = facts(akad=("tempo", "murabahah")), facts(akad=("murabahah", "tempo"))
    assert prefill.pick_akad(offer, request, ["tempo", "murabahah"]) == "murabahah"
    assert prefill.pick_akad(offer, request, ["tempo", "murabahah"], "tempo") == "tempo"
    assert prefill.pick_akad(offer, None, ["tempo", "murabahah"]) == "tempo"


@pytest.mark.parametrize("akad", ["tunai", "tempo", "salam", "murabahah"])
def test_a_negotiation_opened_on_a_market_listing_can_be_accepted_at_once(app, akad):
    with app.app_context():
        seller, buyer = make_manager("3529"), make_manager("3528")
        offer = make_listing(seller.pesantren, akad=[akad], start=today_wib())
        terms = checks.default_terms(offer)
        assert terms.akad == akad
        deal = deals.open_negotiation(buyer, offer.id, terms=terms)
        contract = sign(deal, seller, buyer)  # a murabahah seller states its cost first
        assert contract.number


def test_a_quantity_below_the_minimum_per_deal_is_refused(app):
    with app.app_context():
        seller, buyer = make_manager("3529"), make_manager("3528")
        offer = make_listing(seller.pesantren, quantity=1000, min_quantity=250)
        with pytest.raises(DomainError) as refused:
            deals.open_negotiation(buyer, offer.id, terms=deal_terms(quantity=100))
        assert "minimal pembelian per transaksi (250)" in str(refused.value.message)
        db.session.rollback()
        deal = deals.open_negotiation(buyer, offer.id, terms=deal_terms(quantity=250))
        assert deal.id
