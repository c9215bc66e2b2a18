"""The API's request and response bodies (pydantic): the OpenAPI document is generated from them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from exchange.api.vocab import (
    AkadName,
    DealAction,
    DealSide,
    DealState,
    ListingSideName,
    ListingStatusName,
    MarketSort,
    PesantrenStatusName,
    ProposalStatusName,
    Transport,
)
from exchange.listings.policy import MAX_UNIT_PRICE

ORM = ConfigDict(from_attributes=True)
STRICT = ConfigDict(extra="forbid")
Id = Field(ge=1, le=2**31 - 1)


class Problem(BaseModel):
    """RFC 9457 problem details; ``errors`` names each refused field."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = None


class FieldProblem(BaseModel):
    field: str | None
    detail: str


class Commodity(BaseModel):
    model_config = ORM
    id: int
    slug: str
    name_id: str
    name_en: str
    category: str
    unit: str
    grades: list[str]
    reference_price: int
    is_food: bool
    is_ribawi: bool
    made_to_order: bool


class CommodityList(BaseModel):
    items: list[Commodity]


class Regency(BaseModel):
    model_config = ORM
    code: str
    name: str
    kind: str
    lat: float
    lon: float


class RegencyList(BaseModel):
    items: list[Regency]


class Listing(BaseModel):
    id: int
    side: ListingSideName
    status: ListingStatusName
    pesantren_id: int
    pesantren_name: str
    regency_code: str
    commodity: str
    unit: str = Field(description="The commodity's unit (kg, liter, ...): of every quantity.")
    grade: str
    quantity: int
    remaining: int
    min_quantity: int | None
    price: int
    window_start: date
    window_end: date
    lat: float
    lon: float
    max_distance_km: float | None
    akad: list[AkadName]
    note: str
    halal_cert: str | None
    made_to_order: bool = False
    version: int = Field(description="Moves with every change; send it back in If-Match.")
    created_at: datetime
    updated_at: datetime = Field(description="The last change (its creation when none since).")
    distance_km: float | None = None


class MarketQuery(BaseModel):
    """The market's filters, as on /pasar (parsed by the page's own parser). A commodity or
    regency that names nothing known is said in the answer's ``notices``."""

    side: ListingSideName | None = None
    commodity: str | None = Field(default=None, max_length=40, description="A commodity slug.")
    regency: str | None = Field(default=None, max_length=4, description="A regency code.")
    grade: str | None = Field(default=None, max_length=40)
    price_min: int | None = Field(default=None, ge=0, le=MAX_UNIT_PRICE, description="Rupiah.")
    price_max: int | None = Field(default=None, ge=0, le=MAX_UNIT_PRICE, description="Rupiah.")
    from_: date | None = Field(
        default=None, alias="from", ge=date(2000, 1, 1), le=date(2100, 12, 31)
    )
    to: date | None = Field(default=None, ge=date(2000, 1, 1), le=date(2100, 12, 31))
    km: int | None = Field(
        default=None, ge=0, le=10_000, description="At most this far from the token's pesantren."
    )
    sort: MarketSort | None = None
    q: str | None = Field(default=None, max_length=100, description="Keywords.")
    cursor: str | None = Field(
        default=None,
        max_length=200,
        description='The previous page\'s next_cursor (also in its Link: rel="next").',
    )
    limit: int = Field(default=25, ge=1, le=100, description="Listings per page.")


class MarketPage(BaseModel):
    items: list[Listing]
    total: int
    next_cursor: str | None
    notices: list[str]


class Reputation(BaseModel):
    completed: int
    rating_count: int
    rating_average: float | None


class Pesantren(BaseModel):
    id: int
    name: str
    kopontren_name: str
    regency_code: str
    regency_name: str
    status: PesantrenStatusName
    santri_count: int
    products: str
    lat: float
    lon: float
    reputation: Reputation


class Suggestion(BaseModel):
    listing_id: int
    side: ListingSideName
    pesantren_id: int
    pesantren_name: str
    regency: str
    grade: str
    remaining: int
    price: int
    window_start: date
    window_end: date
    fair_price: int
    akad: AkadName | None


class SuggestionList(BaseModel):
    listing_id: int
    active: bool
    items: list[Suggestion]


class Proposal(BaseModel):
    model_config = ORM
    id: int
    run_id: int
    offer_id: int
    request_id: int
    seller_pesantren_id: int
    buyer_pesantren_id: int
    quantity: int
    price: int
    akad: AkadName | None
    status: ProposalStatusName
    commodity: str = Field(description="The commodity's slug.")
    distance_km: float = Field(description="Between the two pesantren.")
    created_at: datetime

    @field_validator("commodity", mode="before")
    @classmethod
    def _slug(cls, value):
        return getattr(value, "slug", value)


class ProposalList(BaseModel):
    items: list[Proposal]


class TermsVersion(BaseModel):
    model_config = ORM
    number: int
    quantity: int
    unit_price: int
    grade: int | None
    akad: AkadName
    handover_date: date
    handover_place: str
    transport: Transport
    payment_due_date: date | None
    message: str
    author_side: DealSide
    created_at: datetime


class Payment(BaseModel):
    model_config = ORM
    id: int
    amount: int
    method: str
    paid_on: date
    note: str
    created_at: datetime


class Delivery(BaseModel):
    model_config = ORM
    id: int
    quantity_received: int
    grade_received: int | None
    shortfall: int
    shortfall_outcome: str | None


class Awaited(BaseModel):
    """One move the deal waits for: which side must make it, and which move."""

    side: DealSide
    pesantren_id: int
    action: DealAction


AWAITED = Field(
    description="What the deal waits for now and from whom (empty: from nobody). The same "
    "fact as the pages' 'Menunggu Anda' and the reminders (deals' lifecycle table)."
)


class DealBundle(BaseModel):
    id: int
    other_deal_id: int = Field(description="The bundle's other leg (running the other way).")
    settled: bool = Field(description="The net amount was recorded: both legs are paid.")
    untie_asked_by: int | None = Field(
        description="The pesantren that asked to untie the bundle (the other side agrees)."
    )
    breached: bool = Field(
        description="Ribawi legs handed over in different sessions: the parties may untie "
        "(undo) the exchange."
    )


class Deal(BaseModel):
    id: int
    state: DealState
    whose_turn: DealSide | None = Field(description="While negotiating: the side to answer.")
    my_side: DealSide | None
    awaited_action: list[Awaited] = AWAITED
    my_actions: list[DealAction] = Field(
        description="The moves the token's pesantren may make now (the page's buttons)."
    )
    seller_pesantren_id: int
    buyer_pesantren_id: int
    offer_id: int | None
    request_id: int | None
    commodity: str
    terms_version: int
    accepted_version: int | None
    version: int
    contract_number: str | None
    unit: str = Field(description="The commodity's unit: of every quantity of the deal.")
    amount_due: int = Field(description="What the buyer owes in all (rupiah).")
    paid: int = Field(description="Paid so far, net of refunds (rupiah).")
    balance: int = Field(description="amount_due - paid (negative: owed back to the buyer).")
    signed_at: datetime | None
    created_at: datetime
    updated_at: datetime = Field(description="The deal's last move.")
    versions: list[TermsVersion]
    payments: list[Payment]
    delivery: Delivery | None
    bundle: DealBundle | None = Field(
        default=None, description="The reciprocal bundle the deal is a leg of."
    )
    bundle_candidates: list[int] = Field(
        default_factory=list,
        description="While the deal has no bundle: the deals it may be tied with "
        "(POST /deals/{deal_id}/bundle).",
    )


class DealSummary(BaseModel):
    id: int
    state: DealState
    whose_turn: DealSide | None
    awaited_action: list[Awaited] = AWAITED
    seller_pesantren_id: int
    buyer_pesantren_id: int
    commodity: str
    terms_version: int
    version: int = Field(description="Moves with every move of the deal.")
    created_at: datetime
    updated_at: datetime = Field(description="The deal's last move.")


class DealsQuery(BaseModel):
    updated_since: datetime | None = Field(
        default=None, description="Only the deals moved at or after this time (ISO 8601)."
    )
    cursor: str | None = Field(default=None, max_length=80)
    limit: int = Field(default=100, ge=1, le=100)


class DealList(BaseModel):
    items: list[DealSummary]
    next_cursor: str | None = Field(description="The next page's ``cursor`` (None: the last).")


class Notification(BaseModel):
    id: int
    deal_id: int | None
    kind: str
    message: str = Field(description="In the language of Accept-Language, as on the page.")
    template: str = Field(description="The message's Indonesian template (its msgid).")
    params: dict[str, Any] = Field(description="The template's values.")
    read: bool
    created_at: datetime


class NotificationList(BaseModel):
    items: list[Notification]


class StaffQuery(BaseModel):
    start: date | None = Field(default=None, ge=date(2000, 1, 1), le=date(2100, 12, 31))
    end: date | None = Field(default=None, ge=date(2000, 1, 1), le=date(2100, 12, 31))
    commodity: str | None = Field(default=None, max_length=40)
    regency: str | None = Field(default=None, max_length=4)


class Figures(BaseModel):
    start: date
    end: date
    figures: dict[str, int | float | None]


class Flow(BaseModel):
    seller_id: int
    buyer_id: int
    seller_name: str
    buyer_name: str
    seller_regency: str = Field(description="The seller's regency code.")
    buyer_regency: str = Field(description="The buyer's regency code.")
    seller_regency_name: str
    buyer_regency_name: str
    value: int
    volume: int
    contracts: int


class FlowList(BaseModel):
    start: date
    end: date
    items: list[Flow]


Problem.model_rebuild()
