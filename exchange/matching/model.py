"""Plain, frozen data for the matching engine: an instance in, a result out.

Nothing here reads a clock, a database or a random number. The engine only ever pairs an
*offer* (a sale for money) with a *request* (a purchase for money); it never proposes barter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from exchange.akad import AKAD_ORDER

Side = Literal["offer", "request"]

# The contract types of shared/DOMAIN.md section 7, as matching format 2 spells them (the one
# akad vocabulary, exchange/akad.py). A format-1 listing accepts every one of them.
AKAD_CODES: tuple[str, ...] = AKAD_ORDER


@dataclass(frozen=True)
class Commodity:
    slug: str
    unit: str
    transport_cost_per_unit_km: float
    grades: int


@dataclass(frozen=True)
class Pesantren:
    id: str
    regency: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Listing:
    """An offer (least price accepted, at the seller's gate) or a request (most paid, delivered)."""

    id: str
    side: Side
    pesantren: str
    commodity: str
    grade: int
    quantity: int
    price: int
    window_start: date
    window_end: date
    max_distance_km: float | None = None
    # Format 2: the accepted akad (in the listing's order of preference), the listing's own
    # place (None: at its pesantren) and the least quantity of one deal (None: no minimum).
    akad: tuple[str, ...] = AKAD_CODES
    lat: float | None = None
    lon: float | None = None
    min_quantity: int | None = None


@dataclass(frozen=True)
class Instance:
    road_factor: float
    commodities: tuple[Commodity, ...]
    pesantren: tuple[Pesantren, ...]
    listings: tuple[Listing, ...]
    # The instance file's format, 1 or 2 (FORMAT.md); the result is written in the same one.
    format_version: int = 1

    @property
    def offers(self) -> tuple[Listing, ...]:
        return tuple(l for l in self.listings if l.side == "offer")

    @property
    def requests(self) -> tuple[Listing, ...]:
        return tuple(l for l in self.listings if l.side == "request")


@dataclass(frozen=True, order=True)
class Deal:
    """A proposed sale of `quantity` units from an offer to a request, at `price` per unit at the
    seller's gate (the buyer also bears the transport)."""

    offer: str
    request: str
    quantity: int
    price: int
    akad: str | None = None  # format 2: the proposed contract type, accepted by both listings


@dataclass(frozen=True)
class Result:
    deals: tuple[Deal, ...] = ()
    reciprocal_pairs: tuple[tuple[str, str], ...] = ()
    stats: dict = field(default_factory=dict, compare=False, hash=False)
    format_version: int = 1  # the format it is written in: that of its instance


@dataclass(frozen=True)
class Explanation:
    """Why an offer and a request fit (or not): the figures a person would want to see."""

    offer: str
    request: str
    distance_km: float
    transport_cost_per_unit: float
    price_gap: int  # request.price - offer.price
    surplus_per_unit: float  # price_gap - transport_cost_per_unit
    offer_grade: int
    request_grade: int
    window_overlap: tuple[date, date] | None  # first and last common day, inclusive
    max_distance_km: float | None = None
    compatible: bool = True
    reasons: tuple[str, ...] = ()  # why not compatible, empty when compatible
    akad: str | None = None  # format 2: the akad a deal proposes (choose_akad), None: none shared
    least_quantity: int = 1  # format 2: the least quantity of one deal (the larger min_quantity)


def choose_akad(offer_akad: tuple[str, ...], request_akad: tuple[str, ...]) -> str | None:
    """The akad a deal between the two listings proposes: the buyer's most preferred akad (the
    request lists its akad in order of preference) that the seller's offer also accepts; None
    when they share none (then the pair is not compatible)."""
    accepted = set(offer_akad)
    return next((a for a in request_akad if a in accepted), None)
