"""Deal, terms and contract rows inserted directly, at exact past dates and states, for the staff
dashboard's figures (going through the deal services under clock.frozen is still to do)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from exchange.deals.models import Contract, Deal, DealEvent, TermsVersion
from exchange.extensions import db
from tests.factories import commodity

_seq = itertools.count(1)


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
    proposal_id: int | None = None,
) -> Deal:
    """A signed deal with its accepted terms (version 1) and its contract."""
    n = next(_seq)
    signed_at = at(signed)
    deal = Deal(
        seller_pesantren_id=seller.id,
        buyer_pesantren_id=buyer.id,
        offer_id=offer.id if offer else None,
        request_id=request.id if request else None,
        commodity_id=commodity(slug).id,
        proposal_id=proposal_id,
        state=state,
        terms_version=1,
        accepted_version=1,
        reserved_quantity=quantity,
        last_move_at=signed_at,
        signed_at=signed_at,
        created_at=signed_at - timedelta(days=1),
    )
    db.session.add(deal)
    db.session.flush()
    db.session.add(
        TermsVersion(
            deal_id=deal.id,
            number=1,
            quantity=quantity,
            unit_price=unit_price,
            akad="tunai",
            handover_date=signed + timedelta(days=7),
            handover_place="Gudang",
            transport="seller",
            author_side="seller",
            created_at=signed_at - timedelta(days=1),
        )
    )
    db.session.add(
        Contract(
            deal_id=deal.id,
            number=f"BP/{signed.year}/{signed.month:02d}/{n:06d}",
            terms_version=1,
            total=quantity * unit_price,
            snapshot={},
            created_at=signed_at,
        )
    )
    db.session.commit()
    return deal


def make_dispute(deal: Deal, day: date) -> DealEvent:
    event = DealEvent(
        deal_id=deal.id,
        action="dispute",
        from_state="shipped",
        to_state="disputed",
        terms_version=1,
        created_at=at(day),
    )
    db.session.add(event)
    db.session.commit()
    return event
