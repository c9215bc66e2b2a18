"""What other domains may ask about a listing: its vocabulary and whether it is open.

Pure: no Flask, no database. ``is_open`` is the one definition of an open listing; its SQL twin
is ``listings.queries.open_conditions`` (the market, the engine, suggestions, digests and the
dashboard), and tests/listings/test_policy.py pins the two to agree on generated listings.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Protocol

from exchange.listings.geo import road_km  # noqa: F401 - the engine's road distance, for pools
from exchange.pesantren.policy import is_trading

# A listing's (and so a deal's) bounds: a unit price 1 .. MAX_UNIT_PRICE (Rp 1.000.000.000), a
# quantity 1 .. MAX_QUANTITY. deals/bounds.py checks deals' terms against the same two.
MAX_UNIT_PRICE = 1_000_000_000
MAX_QUANTITY = 10_000_000
# A listing's place lies in or near East Java (Masalembu in the north, the Kangean isles east);
# a request reaches at most MAX_DISTANCE_KM (the default of the LISTING_MAX_DISTANCE_KM setting).
LAT_RANGE = (-9.0, -5.0)
LON_RANGE = (110.5, 116.5)
MAX_DISTANCE_KM = 1000.0


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


# Holds on offering: another domain may rule that a pesantren may not offer a commodity now.
# deals registers the salam rule at start-up (app.py, ``deals.holds``): goods bought by salam
# may not be re-sold before they are received. Listings ask here, so they import no deals.
class OfferHold(Protocol):
    def refusals(self, pesantren_id: int, commodity_id: int) -> list:
        """The sentences refusing this offer (empty: no objection)."""

    def held(self) -> set[tuple[int, int]]:
        """Every (pesantren id, commodity id) that may not be offered now (for the engine)."""


_HOLDS: dict[str, OfferHold] = {}


def register_offer_hold(name: str, hold: OfferHold) -> None:
    _HOLDS[name] = hold


def offer_refusals(pesantren_id: int, commodity_id: int) -> list:
    return [r for hold in _HOLDS.values() for r in hold.refusals(pesantren_id, commodity_id)]


def held_offers() -> set[tuple[int, int]]:
    return {pair for hold in _HOLDS.values() for pair in hold.held()}


# Listings another domain manages: a pool's request (``exchange.pools``) is agreed on its pool's
# page, one deal per member, never negotiated as one deal with the coordinator. pools registers
# at start-up (app.py); deals asks here before opening a negotiation, so it imports no pools.
class ManagedListings(Protocol):
    def refusal(self, listing_id: int) -> str | None:
        """The sentence refusing a negotiation on this listing (None: no objection)."""


_MANAGED: dict[str, ManagedListings] = {}


def register_managed(name: str, managed: ManagedListings) -> None:
    _MANAGED[name] = managed


def negotiation_refusal(listing_id: int) -> str | None:
    return next((r for m in _MANAGED.values() if (r := m.refusal(listing_id)) is not None), None)
