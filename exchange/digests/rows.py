"""The plain rows the digest builder reads. Sources fill them; the builder never queries.

Every row carries the absolute ``url`` of the page its item links to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class ProposalRow:
    """A clearing-run proposal that involves one of the reader's listings."""

    proposal_id: int
    commodity: str
    unit: str
    counterparty: str
    quantity: int
    price: int
    created_at: datetime
    url: str
    commodity_en: str = ""  # the English name, for English readers
    selling: bool = True  # the reader sells (else buys from the counterparty)


@dataclass(frozen=True)
class SuggestionRow:
    """A suggested counterpart listing; higher ``score`` is better."""

    listing_id: int
    commodity: str
    unit: str
    counterparty: str
    quantity: int
    price: int
    score: float
    url: str
    distance_km: float | None = None
    commodity_en: str = ""  # the English name, for English readers
    side: str = (
        "offer"  # the counterpart listing's side: "offer" (they sell) | "request" (they buy)
    )


@dataclass(frozen=True)
class PartnerRow:
    """A new reciprocal partner: they supply what you need and need what you supply."""

    pesantren_id: int
    name: str
    regency: str
    they_supply: str
    you_supply: str
    url: str


@dataclass(frozen=True)
class MoveRow:
    """A negotiation move waiting for the reader's answer."""

    negotiation_id: int
    commodity: str
    unit: str
    counterparty: str
    quantity: int
    price: int
    expires_at: datetime
    url: str
    commodity_en: str = ""  # the English name, for English readers
    selling: bool = True  # the reader sells (else buys from the counterparty)


@dataclass(frozen=True)
class DealTaskRow:
    """A deal waiting for the reader to pay, ship, receive or rate."""

    deal_id: int
    action: str  # "pay" | "ship" | "receive" | "complete" | "rate"
    commodity: str
    counterparty: str
    amount: int
    url: str
    due: date | None = None
    commodity_en: str = ""  # the English name, for English readers
    selling: bool = True  # the reader sells (else buys from the counterparty)


@dataclass(frozen=True)
class ExpiringListingRow:
    listing_id: int
    side: str  # "offer" | "request"
    commodity: str
    unit: str
    remaining: int
    window_end: date
    url: str
    commodity_en: str = ""  # the English name, for English readers


@dataclass(frozen=True)
class MarketRow:
    """Listing prices of one commodity, this period and the one before (whole rupiah)."""

    commodity_slug: str
    commodity: str
    unit: str
    url: str
    offers_now: tuple[int, ...] = ()
    offers_before: tuple[int, ...] = ()
    requests_now: tuple[int, ...] = ()
    requests_before: tuple[int, ...] = ()
    commodity_en: str = ""  # the English name, for English readers


@dataclass(frozen=True)
class TradeFigureRow:
    """One of staff's period numbers. ``key`` names it (see builder.TRADE_FIGURES)."""

    key: str
    current: int
    previous: int
    url: str


@dataclass(frozen=True)
class PendingPesantrenRow:
    pesantren_id: int
    name: str
    regency: str
    since: datetime
    url: str


@dataclass(frozen=True)
class DisputeRow:
    dispute_id: int
    deal_id: int
    commodity: str
    parties: str
    opened_at: datetime
    url: str
    commodity_en: str = ""  # the English name, for English readers


@dataclass(frozen=True)
class ManagerRows:
    proposals: tuple[ProposalRow, ...] = ()
    suggestions: tuple[SuggestionRow, ...] = ()
    partners: tuple[PartnerRow, ...] = ()
    moves: tuple[MoveRow, ...] = ()
    deal_tasks: tuple[DealTaskRow, ...] = ()
    expiring: tuple[ExpiringListingRow, ...] = ()
    market: tuple[MarketRow, ...] = ()


@dataclass(frozen=True)
class StaffRows:
    trade: tuple[TradeFigureRow, ...] = ()
    pending: tuple[PendingPesantrenRow, ...] = ()
    disputes: tuple[DisputeRow, ...] = ()
