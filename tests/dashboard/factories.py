"""Signed deals at exact past dates and states, for the staff dashboard's figures, built through
the deal services: each step runs under ``clock.frozen`` at its day, so the contract number,
the facts and the events are the ones the app itself writes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from exchange import clock
from exchange.deals import acceptance, fulfilment
from exchange.deals.akad import Terms
from exchange.deals.models import Deal
from exchange.deals.services import open_negotiation
from exchange.extensions import db
from tests.factories import make_listing, manager_of

# What a deal goes through, after signing, to reach each state (each move a day later).
MOVES = {
    "signed": (),
    "shipped": ("ship",),
    "received": ("ship", "receive"),
    "completed": ("ship", "receive", "complete"),
    "disputed": ("ship", "dispute"),
    "cancelled": ("request_cancel", "agree_cancel"),
}


def at(day: date, hour: int = 10) -> datetime:
    """An aware UTC instant on a day (10:00 UTC is 17:00 WIB, the same calendar day)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def make_contract(
    seller,
    buyer,
    slug: str = "garam_krosok",
    quantity: int = 1000,
    unit_price: int = 1500,
    signed: date = date(2027, 1, 4),
    state: str = "signed",
    offer=None,
    request=None,
    posted: date | None = None,
) -> Deal:
    """A tunai deal between two pesantren, signed on ``signed`` and carried to ``state``.

    Without ``offer`` the seller posts one for exactly ``quantity`` on ``posted`` (default: the
    signing day), so it leaves the market when the deal is signed. With ``request`` (the buyer's)
    the buyer answers from its request; with only ``request`` the seller opens on it.
    """
    seller_user, buyer_user = manager_of(seller), manager_of(buyer)
    if offer is None and request is None:
        with clock.frozen(at(posted or signed)):
            offer = make_listing(
                seller, "offer", slug, quantity=quantity, price=unit_price, akad=["tunai"]
            )
    listing = offer or request
    terms = Terms(
        quantity=quantity,
        unit_price=unit_price,
        akad="tunai",
        handover_date=signed + timedelta(days=7),
        handover_place="Gudang",
        transport="seller",
        grade=listing.grade,
    )
    with clock.frozen(at(signed)):
        if offer is not None:
            deal = open_negotiation(
                buyer_user, offer.id, request.id if request else None, terms=terms
            )
            acceptance.accept(seller_user, deal.id, 1)
        else:
            deal = open_negotiation(seller_user, request.id, terms=terms)
            acceptance.accept(buyer_user, deal.id, 1)
    for days, move in enumerate(MOVES[state], start=1):
        with clock.frozen(at(signed + timedelta(days=days))):
            _move(move, deal.id, seller_user, buyer_user, quantity * unit_price, quantity)
    deal = db.session.get(Deal, deal.id)
    assert deal.state == state, (deal.state, state)
    return deal


def _move(move: str, deal_id: int, seller, buyer, total: int, quantity: int) -> None:
    today = clock.today_wib()
    if move == "ship":
        fulfilment.ship(seller, deal_id)
    elif move == "receive":
        fulfilment.receive(buyer, deal_id, quantity, None, today, paid_now=total)
    elif move == "complete":
        fulfilment.complete(seller, deal_id)
    elif move == "dispute":
        fulfilment.dispute(buyer, deal_id, "Barang tidak sesuai contoh")
    elif move == "request_cancel":
        fulfilment.request_cancel(buyer, deal_id, "Tidak jadi")
    elif move == "agree_cancel":
        fulfilment.agree_cancel(seller, deal_id)
    else:
        raise ValueError(move)
