"""What other domains may ask about a listing: its vocabulary and whether it is open.

Pure: no Flask, no database. ``is_open`` is the one definition of an open listing; its SQL twin
is ``listings.queries.open_conditions`` (the market, the engine, suggestions, digests and the
dashboard), and tests/listings/test_policy.py pins the two to agree on generated listings.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Protocol

from exchange.pesantren.policy import is_trading


class Side(StrEnum):
    OFFER = "offer"  # Penawaran (supply)
    REQUEST = "request"  # Permintaan (demand)


class ListingStatus(StrEnum):
    ACTIVE = "active"
    FULFILLED = "fulfilled"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    HIDDEN = "hidden"  # by staff moderation


class _Owner(Protocol):
    status: str


class OpenFacts(Protocol):
    """What ``is_open`` reads of a listing (a ``Listing`` has it)."""

    status: str
    remaining: int
    window_end: date
    pesantren: _Owner


def is_open(listing: OpenFacts, today: date) -> bool:
    """Open: active, something remaining, its window not over, and its pesantren trading (a
    suspended pesantren's listings leave the market, the clearing and the negotiations)."""
    return (
        listing.status == ListingStatus.ACTIVE
        and listing.remaining > 0
        and listing.window_end >= today
        and is_trading(listing.pesantren.status)
    )


def other_side(side: str) -> Side:
    return Side.REQUEST if side == Side.OFFER else Side.OFFER
