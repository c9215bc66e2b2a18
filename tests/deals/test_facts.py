"""deals/facts.py: the facts about a deal, read from anything with the DealFacts interface."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from exchange.deals import facts
from exchange.deals.rows import DeliveryRow, TermsRow
from exchange.deals.states import Action, State

TODAY = date(2027, 1, 4)


def _deal(state=State.SIGNED, paid=0, refunded=0, delivery=None, akad="tunai", **kw):
    terms = TermsRow(
        quantity=100,
        unit_price=1500,
        grade=2,
        akad=akad,
        handover_date=date(2027, 1, 10),
        handover_place="Gudang",
        transport="seller",
        payment_due_date=None,
        payment_schedule=None,
        cost_price=None,
        margin=None,
    )
    base = {
        "state": state,
        "whose_turn": None,
        "cancel_requested_by": None,
        "disputed_by": None,
        "resume_state": None,
        "accepted_version": 1,
        "seller_pesantren_id": 1,
        "buyer_pesantren_id": 2,
        "signed_at": None,
        "delivery_due": None,
        "current_terms": terms,
        "versions": (terms,),
        "paid": paid,
        "refunded": refunded,
        "delivery": delivery,
        "due_date": terms.handover_date,
        "side_of": lambda p: {1: "seller", 2: "buyer"}.get(p),
    }
    return SimpleNamespace(**{**base, **kw})


def test_the_amount_due_is_the_total_then_what_was_received_and_nothing_once_cancelled():
    assert facts.amount_due(_deal()) == 150_000
    assert facts.amount_due(_deal(delivery=DeliveryRow(quantity_received=80))) == 120_000
    assert facts.amount_due(_deal(state=State.CANCELLED, delivery=None)) == 0


def test_overpaid_is_what_was_paid_beyond_the_amount_due_and_not_refunded():
    received = DeliveryRow(quantity_received=80)
    assert facts.overpaid(_deal(paid=150_000, delivery=received)) == 30_000
    assert facts.overpaid(_deal(paid=150_000, refunded=30_000, delivery=received)) == 0


def test_a_signed_deal_waits_on_the_seller_to_ship_and_on_nobody_else():
    deal = _deal()
    assert facts.awaited(deal, 1, TODAY) == Action.SHIP
    assert facts.awaited(deal, 3, TODAY) is None
    assert not facts.waits_for(deal, None, TODAY)
