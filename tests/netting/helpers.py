"""A cycle of tempo debts between three pesantren, signed through the deals services."""

from __future__ import annotations

from datetime import timedelta

from exchange.clock import today_wib
from exchange.deals import acceptance
from tests.factories import deal_terms, make_deal, make_listing, make_manager


def tempo_deal(
    seller, buyer, quantity: int, unit_price: int = 1000, akad: str = "tempo", slug: str = "sabun"
):
    """``buyer`` owes ``seller`` quantity * unit_price, due in 10 days (signed). Soap by default:
    not ribawi (undelivered ribawi goods of one class are left out of a run, issue 25)."""
    offer = make_listing(
        seller.pesantren,
        slug=slug,
        grade=1,
        quantity=10_000,
        akad=["tunai", "tempo", "murabahah"],
    )
    handover = today_wib() + timedelta(days=5)
    terms = deal_terms(
        grade=1,
        akad=akad,
        quantity=quantity,
        unit_price=unit_price,
        handover_date=handover,
        payment_due_date=handover + timedelta(days=5),
    )
    deal = make_deal(seller, buyer, offer=offer, terms=terms)
    acceptance.accept(seller, deal.id, 1)
    return deal.id


def triangle():
    """A owes B 100.000, B owes C 70.000, C owes A 90.000: 70.000 clears around the cycle."""
    a = make_manager()
    b = make_manager(regency_code="3578")
    c = make_manager(regency_code="3515")
    ab = tempo_deal(b, a, 100)
    bc = tempo_deal(c, b, 70)
    ca = tempo_deal(a, c, 90)
    return (a, b, c), (ab, bc, ca)
