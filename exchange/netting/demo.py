"""Demo debts for `make run`: three tempo deals around a cycle of pesantren, so that a netting
run on the demo data clears something (the goods handed over, the prices still owed).
Deterministic; goes through the real deals services."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from exchange.akad import Akad
from exchange.auth.models import Role, User
from exchange.clock import today_wib
from exchange.deals import acceptance, checks, fulfilment, services
from exchange.errors import DomainError
from exchange.extensions import db
from exchange.listings.models import Listing, ListingStatus, Side

PRICES = (1_200_000, 900_000, 1_000_000)  # what each buyer owes around the cycle (about)


def _manager(pesantren_id: int) -> User | None:
    return db.session.scalar(
        select(User)
        .where(User.pesantren_id == pesantren_id, User.role == Role.MANAGER)
        .order_by(User.id)
    )


def _tempo_offers() -> list[Listing]:
    """One active tempo-capable offer per seller, first sellers first."""
    seen, out = set(), []
    for listing in db.session.scalars(
        select(Listing)
        .where(Listing.side == Side.OFFER, Listing.status == ListingStatus.ACTIVE)
        .order_by(Listing.id)
    ):
        if Akad.TEMPO in (listing.akad or []) and listing.pesantren_id not in seen:
            seen.add(listing.pesantren_id)
            out.append(listing)
    return out


def seed_demo_netting() -> dict:
    """A buys from B, B from C, C from A, each on tempo, signed and handed over: a cycle of
    debts."""
    offers = [o for o in _tempo_offers() if _manager(o.pesantren_id)]
    signed = 0
    for start in range(0, len(offers) - 2, 3):
        trio = offers[start : start + 3]
        for i, offer in enumerate(trio):
            buyer = _manager(trio[(i + 1) % 3].pesantren_id)
            seller = _manager(offer.pesantren_id)
            try:
                terms = checks.default_terms(offer)
                quantity = max(1, min(offer.remaining, PRICES[i] // max(terms.unit_price, 1)))
                quantity = max(quantity, offer.min_quantity or 1)
                terms = replace(
                    terms,
                    akad=Akad.TEMPO,
                    quantity=quantity,
                    payment_due_date=terms.handover_date + timedelta(days=14),
                )
                deal = services.open_negotiation(buyer, offer.id, terms=terms)
                acceptance.accept(seller, deal.id, deal.terms_version)
                # Handed over, the price still owed: a kliring leaves out undelivered ribawi
                # goods of one class in a cleared group (netting/core.riba_left_out).
                fulfilment.ship(seller, deal.id, "")
                fulfilment.receive(
                    buyer, deal.id, terms.quantity, terms.grade, today_wib(), "Lengkap."
                )
                signed += 1
            except DomainError:
                db.session.rollback()
        if signed >= 3:
            break
    return {"netting_deals": signed}
