"""The API's request and response bodies (pydantic): the OpenAPI document is generated from them."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

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
    side: str
    status: str
    pesantren_id: int
    pesantren_name: str
    regency_code: str
    commodity: str
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
    akad: list[str]
    note: str
    halal_cert: str | None
    made_to_order: bool = False
    version: int
    created_at: datetime
    distance_km: float | None = None


class MarketQuery(BaseModel):
    """The market's filters, as on /pasar: a value that does not parse is left out, and the
    answer's ``notices`` says so."""

    side: str | None = None
    commodity: str | None = None
    regency: str | None = None
    grade: str | None = None
    price_min: str | None = None
    price_max: str | None = None
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None
    km: str | None = None
    sort: str | None = None
    q: str | None = None
    cursor: str | None = Field(default=None, max_length=40)


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
    status: str
    santri_count: int
    products: str
    lat: float
    lon: float
    reputation: Reputation


class Suggestion(BaseModel):
    listing_id: int
    side: str
    pesantren_id: int
    pesantren_name: str
    regency: str
    grade: str
    remaining: int
    price: int
    window_start: date
    window_end: date
    fair_price: int
    akad: str | None


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
    akad: str | None
    status: str


class ProposalList(BaseModel):
    items: list[Proposal]


class TermsVersion(BaseModel):
    model_config = ORM
    number: int
    quantity: int
    unit_price: int
    grade: int | None
    akad: str
    handover_date: date
    handover_place: str
    transport: str
    payment_due_date: date | None
    message: str
    author_side: str
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
    quantity_received: int
    grade_received: int | None
    shortfall: int
    shortfall_outcome: str | None


class Deal(BaseModel):
    id: int
    state: str
    whose_turn: str | None
    my_side: str | None
    seller_pesantren_id: int
    buyer_pesantren_id: int
    offer_id: int | None
    request_id: int | None
    commodity: str
    terms_version: int
    accepted_version: int | None
    version: int
    contract_number: str | None
    amount_due: int
    signed_at: datetime | None
    created_at: datetime
    versions: list[TermsVersion]
    payments: list[Payment]
    delivery: Delivery | None


class DealSummary(BaseModel):
    id: int
    state: str
    whose_turn: str | None
    seller_pesantren_id: int
    buyer_pesantren_id: int
    commodity: str
    terms_version: int
    created_at: datetime


class DealList(BaseModel):
    items: list[DealSummary]


class Notification(BaseModel):
    id: int
    deal_id: int | None
    kind: str
    message: str
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
    seller_regency: str
    buyer_regency: str
    value: int
    volume: int
    contracts: int


class FlowList(BaseModel):
    start: date
    end: date
    items: list[Flow]


Problem.model_rebuild()
