"""Committing and returning listing quantity with conditional UPDATEs.

The database enforces the invariant on PostgreSQL and SQLite alike: ``remaining`` only drops by a
single ``UPDATE ... WHERE remaining >= :q``, so two concurrent acceptances can never take the same
units (a CHECK also keeps remaining >= 0). Helpers here flush nothing and never commit: the
calling service owns the transaction.
"""

from __future__ import annotations

from sqlalchemy import case, update

from exchange.db import utcnow
from exchange.extensions import db
from exchange.listings.models import Listing, ListingStatus


def reserve(listing_id: int, quantity: int) -> bool:
    """Take ``quantity`` from an active listing's remaining. False when not enough remains."""
    if quantity <= 0:
        return False
    new_remaining = Listing.remaining - quantity
    result = db.session.execute(
        update(Listing)
        .where(
            Listing.id == listing_id,
            Listing.status == ListingStatus.ACTIVE,
            Listing.remaining >= quantity,
        )
        .values(
            remaining=new_remaining,
            status=case((new_remaining == 0, ListingStatus.FULFILLED.value), else_=Listing.status),
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    _expire(listing_id)
    return result.rowcount == 1


def release(listing_id: int, quantity: int) -> None:
    """Give ``quantity`` back (a cancelled deal, a short delivery). A fulfilled listing reopens."""
    if quantity <= 0:
        return
    db.session.execute(
        update(Listing)
        .where(Listing.id == listing_id, Listing.remaining + quantity <= Listing.quantity)
        .values(
            remaining=Listing.remaining + quantity,
            status=case(
                (Listing.status == ListingStatus.FULFILLED.value, ListingStatus.ACTIVE.value),
                else_=Listing.status,
            ),
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    _expire(listing_id)


def _expire(listing_id: int) -> None:
    listing = db.session.identity_map.get((Listing, (listing_id,), None))
    if listing is not None:
        db.session.expire(listing)
