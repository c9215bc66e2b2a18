"""The deal lists' rows: one query's columns per deal, carrying what ``deals/facts.py`` reads.

The list pages (Kesepakatan, the dashboard's "Kesepakatan menunggu Anda") show a few columns of
each deal and ask ``facts`` whether it waits on the reader. Loading ``Deal`` objects with their
versions, payments, refunds and delivery took five queries and most of the page's time; a
``DealRow`` comes from one query (``deals/queries.py`` ``deal_rows``) and has the attributes the
facts read of a deal, under the same names, so ``facts.awaited(row, ...)`` answers as it does for
the deal. The two shared rules (a deal's side, its due date) live in ``DealParties`` here, which
``Deal`` inherits too. Pure: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


class TermsFacts(Protocol):
    """What the facts read of a version of terms: ``TermsVersion`` and ``TermsRow`` have it."""

    quantity: int
    unit_price: int
    grade: int | None
    akad: str
    handover_date: date
    handover_place: str
    transport: str
    payment_due_date: date | None
    payment_schedule: list | None
    cost_price: int | None
    margin: int | None

    @property
    def total(self) -> int: ...


class DealFacts(Protocol):
    """What ``deals/facts.py`` reads of a deal: the declared interface ``Deal`` (the model) and
    ``DealRow`` (a list's row) share; tests/deals/test_rows.py checks both have every member,
    and that the facts agree on the two."""

    id: int
    state: str
    whose_turn: str | None
    cancel_requested_by: str | None
    disputed_by: str | None
    resume_state: str | None
    terms_version: int
    accepted_version: int | None
    seller_pesantren_id: int
    buyer_pesantren_id: int
    last_move_at: datetime
    signed_at: datetime | None
    delivery_due: date | None
    paid: int
    refunded: int

    @property
    def current_terms(self) -> TermsFacts: ...

    @property
    def versions(self) -> Sequence[TermsFacts]: ...

    @property
    def delivery(self) -> DeliveryRow | None: ...

    @property
    def due_date(self) -> date: ...

    def side_of(self, pesantren_id: int | None) -> str | None: ...


class DealParties:
    """What a deal (model or row) derives from its own fields: the side of a pesantren, the
    pesantren on a side, the due date of the goods."""

    __slots__ = ()

    def side_of(self, pesantren_id: int | None) -> str | None:
        if pesantren_id == self.seller_pesantren_id:
            return "seller"
        if pesantren_id == self.buyer_pesantren_id:
            return "buyer"
        return None

    def pesantren_of(self, side: str):
        return self.seller if side == "seller" else self.buyer

    @property
    def due_date(self) -> date:
        """When the goods are due: the terms' handover date, or the later one the buyer chose
        to wait for."""
        return self.delivery_due or self.current_terms.handover_date


class TermsTotal:
    __slots__ = ()

    @property
    def total(self) -> int:
        return self.quantity * self.unit_price


@dataclass(frozen=True, slots=True)
class TermsRow(TermsTotal):
    """A deal's current terms version, as ``facts.terms_of`` reads it."""

    quantity: int
    unit_price: int
    grade: int | None
    akad: str
    handover_date: date
    handover_place: str
    transport: str
    payment_due_date: date | None
    payment_schedule: list | None
    cost_price: int | None
    margin: int | None


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    quantity_received: int


@dataclass(frozen=True, slots=True)
class Named:
    """A party as the lists show it: its name."""

    name: str


@dataclass(frozen=True, slots=True)
class CommodityName:
    name_id: str
    name_en: str

    def name(self, locale: str = "id") -> str:  # as catalogue.models.Commodity.name
        return self.name_en if locale == "en" else self.name_id


@dataclass(frozen=True, slots=True)
class DealRow(DealParties):
    id: int
    state: object  # deals.states.State
    whose_turn: object  # deals.states.Side | None
    cancel_requested_by: object
    disputed_by: object
    resume_state: object
    terms_version: int
    accepted_version: int | None
    seller_pesantren_id: int
    buyer_pesantren_id: int
    seller: Named
    buyer: Named
    commodity: CommodityName
    last_move_at: datetime
    signed_at: datetime | None
    delivery_due: date | None
    current_terms: TermsRow
    paid: int
    refunded: int
    delivery: DeliveryRow | None

    @property
    def versions(self) -> tuple[TermsRow, ...]:
        """Only the current version (facts ask whether there is one, and read that one)."""
        return (self.current_terms,)
