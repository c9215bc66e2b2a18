"""The bodies of the API's writes. Bounds here only keep values inside what the database can
hold; the services check the rules (limits, akad, states) and refuse with problem+json."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

BIG = 10**12
Day = Field(ge=date(2000, 1, 1), le=date(2100, 12, 31))


class WriteHeaders(BaseModel):
    """Every write carries a key of the client's choosing: a retry with it never acts twice."""

    model_config = ConfigDict(populate_by_name=True)
    idempotency_key: str = Field(
        alias="Idempotency-Key", min_length=1, max_length=80, pattern=r"^[\x21-\x7e]+$"
    )


class ListingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    side: str = Field(max_length=10)
    commodity: str = Field(max_length=40)
    quantity: int = Field(ge=1, le=BIG)
    grade: str = Field(max_length=40)
    price: int = Field(ge=1, le=BIG)
    window_start: date = Day
    window_end: date = Day
    lat: float | None = Field(default=None, ge=-90, le=90, allow_inf_nan=False)
    lon: float | None = Field(default=None, ge=-180, le=180, allow_inf_nan=False)
    # Required with coordinates other than the pesantren's: contracts print the place in words.
    place_name: str = Field(default="", max_length=200)
    max_distance_km: float | None = Field(default=None, ge=0, le=10_000, allow_inf_nan=False)
    akad: list[str] = Field(default_factory=list, max_length=5)
    note: str = Field(default="", max_length=1000)
    min_quantity: int | None = Field(default=None, ge=1, le=BIG)
    halal_cert: str = Field(default="", max_length=40)
    made_to_order: bool = False  # a custom label, tailoring: the only listings for istisna'


class OpenIn(BaseModel):
    """From a listing (``listing_id``, optionally the token's own ``counter_listing_id``) or
    from a clearing proposal (``proposal_id``)."""

    model_config = ConfigDict(extra="forbid")
    listing_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    counter_listing_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    proposal_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    message: str = Field(default="", max_length=1000)


class StageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    due: date = Day
    amount: int = Field(ge=1, le=BIG)


class TermsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    quantity: int = Field(ge=1, le=BIG)
    unit_price: int = Field(ge=1, le=BIG)
    akad: str = Field(max_length=12)
    handover_date: date = Day
    handover_place: str = Field(default="", max_length=255)
    transport: str = Field(default="seller", max_length=10)
    grade: int | None = Field(default=None, ge=0, le=100)
    payment_due_date: date | None = Field(default=None, ge=date(2000, 1, 1), le=date(2100, 12, 31))
    cost_price: int | None = Field(default=None, ge=0, le=BIG)
    margin: int | None = Field(default=None, ge=0, le=BIG)
    seller_owns: bool = False  # murabahah: the seller states it owns the goods
    # istisna': the payment stages, in date order
    schedule: list[StageIn] = Field(default_factory=list, max_length=24)


class CounterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seen_version: int = Field(ge=1, le=2**31 - 1)
    terms: TermsIn
    message: str = Field(default="", max_length=1000)


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seen_version: int = Field(ge=1, le=2**31 - 1)


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(default="", max_length=500)


class PaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: int = Field(ge=1, le=BIG)
    paid_on: date = Day
    note: str = Field(default="", max_length=500)


class ReceiveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    quantity_received: int = Field(ge=0, le=BIG)
    grade_received: int | None = Field(default=None, ge=0, le=100)
    received_on: date = Day
    note: str = Field(default="", max_length=500)
    shortfall_outcome: str | None = Field(default=None, max_length=10)
    paid_now: int | None = Field(default=None, ge=0, le=BIG)


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=1000)
