"""The terms a new negotiation starts from, so that the other side can accept them as they stand.

A proposal or a suggestion names a pair of listings, a quantity, a price and an akad; this module
turns them into complete terms that pass the akad rules of ``akad.py``: a handover day inside
both windows and after the contract day, the offer's grade, and the akad's payment terms.
Pure: plain values in, ``akad.Terms`` out (no Flask, no database, no clock: ``today`` is given).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from exchange.akad import Akad
from exchange.deals import akad as rules
from exchange.matching.model import choose_akad

#: Tempo: the price is due this many days after the handover (the parties may change it).
TEMPO_DAYS = 30


@dataclass(frozen=True)
class Facts:
    """What the terms need of one listing."""

    price: int
    grade: int
    remaining: int
    window_start: date
    window_end: date
    akad: tuple[str, ...]  # in the listing's order of preference
    min_quantity: int | None = None


def goods(commodity) -> rules.Goods:
    """The akad rules' view of a commodity (anything with the catalogue's attributes): food,
    ribawi class, made to order. The one place this view is built (deals services call it)."""
    return rules.Goods(
        is_food=bool(commodity.is_food),
        is_ribawi=bool(commodity.is_ribawi),
        made_to_order=bool(commodity.made_to_order),
        ribawi_class=commodity.ribawi_group,
    )


def contract_akad(commodity) -> tuple[str, ...]:
    """The akad the contract rules allow at all for a commodity (istisna': made to order)."""
    return tuple(rules.offered_akad([rules.AKAD_ORDER], goods(commodity)))


def handover_day(listings: list[Facts], today: date) -> date:
    """The first day from tomorrow that lies in every listing's window; when there is none, the
    latest first day (not before today), which the rules then explain."""
    first = max([today + timedelta(days=1)] + [x.window_start for x in listings])
    if first <= min(x.window_end for x in listings):
        return first
    return max([today] + [x.window_start for x in listings])


def pick_akad(
    offer: Facts | None, request: Facts | None, allowed: list[str], wanted: str | None = None
) -> str:
    """``wanted`` (the proposal's akad) when both listings allow it; else the matching rule
    (model.choose_akad: the buyer's first preference the seller accepts) over what both allow;
    else the one listing's first allowed akad."""
    if wanted in allowed:
        return wanted
    own = [x for x in (request, offer) if x is not None]
    ordered = [tuple(a for a in x.akad if a in allowed) for x in own]
    if offer is not None and request is not None:
        chosen = choose_akad(ordered[1], ordered[0])
        if chosen:
            return chosen
    for akad in ordered:
        if akad:
            return akad[0]
    return allowed[0] if allowed else Akad.TUNAI


def payment_terms(akad: str, handover: date, quantity: int, unit_price: int) -> dict:
    """The payment fields an akad needs, filled so that its rules hold. Murabahah: none; only
    the seller knows its acquisition cost, so cost and margin are never prefilled (the seller
    states them, and that it owns the goods, before the buyer can accept)."""
    if akad == Akad.TEMPO:
        return {"payment_due_date": handover + timedelta(days=TEMPO_DAYS)}
    if akad == Akad.ISTISNA:
        # One stage: the whole price when the goods are handed over.
        return {"schedule": (rules.Stage(handover, quantity * unit_price),)}
    # Murabahah: the seller states cost and margin. Tunai: paid at the handover. Salam: paid
    # in full at signing, nothing is deferred.
    return {}


def terms_for(
    offer: Facts | None,
    request: Facts | None,
    *,
    allowed: list[str],
    today: date,
    handover_place: str,
    transport: str,
    quantity: int | None = None,
    unit_price: int | None = None,
    akad: str | None = None,
) -> rules.Terms:
    """Complete terms for a negotiation on ``offer`` and/or ``request`` (at least one).

    ``quantity``, ``unit_price`` and ``akad`` come from a proposal or a suggestion when there is
    one; by default the quantity is what remains of both, the price the offer's (or the
    request's) and the akad as ``pick_akad``. The grade is the offer's, else the request's
    minimum; a murabahah's cost and margin are left for the seller to state."""
    present = [x for x in (offer, request) if x is not None]
    qty = min([x.remaining for x in present] + ([quantity] if quantity is not None else []))
    price = unit_price if unit_price is not None else (offer or request).price
    chosen = pick_akad(offer, request, allowed, akad)
    day = handover_day(present, today)
    return rules.Terms(
        quantity=qty,
        unit_price=price,
        akad=chosen,
        handover_date=day,
        handover_place=handover_place,
        transport=transport,
        grade=(offer or request).grade,
        **payment_terms(chosen, day, qty, price),
    )
