"""The bodies of the API's writes. The bounds and vocabularies are the server's own (listings'
MAX_QUANTITY and MAX_UNIT_PRICE, the akad and transport enums), so the document says what the
server accepts; the services still check every rule (akad, states) and refuse with problem+json."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from exchange.api.vocab import AkadName, ListingSideName, Transport
from exchange.listings.policy import (
    LAT_RANGE,
    LON_RANGE,
    MAX_DISTANCE_KM,
    MAX_QUANTITY,
    MAX_UNIT_PRICE,
)

BIG = 10**12  # money totals (payments, refunds): a quantity times a unit price
QUANTITY = Field(ge=1, le=MAX_QUANTITY, description="Units of the commodity (its `unit`).")
PRICE = Field(ge=1, le=MAX_UNIT_PRICE, description="Rupiah per unit.")
Day = Field(ge=date(2000, 1, 1), le=date(2100, 12, 31))
# A listing's place lies in or near East Java, and a request reaches at most so far (the
# listings' rules: the server refuses anything else).
LAT = {"ge": LAT_RANGE[0], "le": LAT_RANGE[1], "allow_inf_nan": False}
LON = {"ge": LON_RANGE[0], "le": LON_RANGE[1], "allow_inf_nan": False}
REACH = {"ge": 0, "le": MAX_DISTANCE_KM, "allow_inf_nan": False}
PLACE = "In or near East Java; left out: the pesantren's own place."


class WriteHeaders(BaseModel):
    """Every write carries a key of the client's choosing: a retry with it never acts twice."""

    model_config = ConfigDict(populate_by_name=True)
    idempotency_key: str = Field(
        alias="Idempotency-Key", min_length=1, max_length=80, pattern=r"^[\x21-\x7e]+$"
    )
    if_match: str | None = Field(
        default=None,
        alias="If-Match",
        max_length=200,
        description="The ETag of the deal or listing as last read: a write to a version "
        "changed meanwhile answers 412 (problem type /api/v1/problems/stale-version).",
    )


class ListingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    side: ListingSideName
    commodity: str = Field(max_length=40, description="A commodity slug (GET /commodities).")
    quantity: int = QUANTITY
    grade: str = Field(max_length=40, description="One of the commodity's grades.")
    price: int = PRICE
    window_start: date = Day
    window_end: date = Day
    lat: float | None = Field(default=None, description=PLACE, **LAT)
    lon: float | None = Field(default=None, description=PLACE, **LON)
    # Required with coordinates other than the pesantren's: contracts print the place in words.
    place_name: str = Field(default="", max_length=200)
    max_distance_km: float | None = Field(
        default=None, description="A request: how far the goods may come from.", **REACH
    )
    akad: list[AkadName] = Field(
        min_length=1, max_length=5, description="The contract types the pesantren accepts."
    )
    note: str = Field(default="", max_length=1000)
    min_quantity: int | None = Field(default=None, ge=1, le=MAX_QUANTITY)
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
    akad: AkadName | None = Field(
        default=None, description="Start from this akad's terms instead of the default one."
    )
    terms: TermsIn | None = Field(
        default=None,
        description="The opener's own first terms. Left out: the terms the page's form starts "
        "from (a proposal's quantity, price and akad; a listing's defaults).",
    )


class StageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    due: date = Day
    amount: int = Field(ge=1, le=BIG)


class TermsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    quantity: int = QUANTITY
    unit_price: int = PRICE
    akad: AkadName
    handover_date: date = Day
    handover_place: str = Field(default="", max_length=255)
    transport: Transport = Field(default="seller", description="Who carries the goods.")
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
    quantity_received: int = Field(ge=0, le=MAX_QUANTITY)
    grade_received: int | None = Field(
        default=None, ge=1, le=100, description="The grade's place in the commodity's grades."
    )
    received_on: date = Day
    note: str = Field(default="", max_length=500)
    # What becomes of a shortfall (required with one): back to the listings, or dropped
    shortfall_outcome: Literal["returned", "cancelled"] | None = None
    paid_now: int | None = Field(default=None, ge=0, le=BIG)


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=1000)


class ReasonIn(BaseModel):
    """A move that needs its reason in words (a cancellation request, a dispute)."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=1000)


class StaffNoteIn(BaseModel):
    """A staff resolution of a dispute, with its note (both parties read it)."""

    model_config = ConfigDict(extra="forbid")
    note: str = Field(min_length=1, max_length=1000)


class RefundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: int = Field(ge=1, le=BIG)
    refunded_on: date = Day
    note: str = Field(default="", max_length=500)


class WaitIn(BaseModel):
    """Salam, goods missing on the due date: the buyer waits until ``new_due``."""

    model_config = ConfigDict(extra="forbid")
    new_due: date = Day
    note: str = Field(default="", max_length=500)


def _unset():
    return None


# Left out: unchanged. A field every listing needs takes no null (the server refuses it): its
# default comes from a factory, so the document shows no null default either.
UNSET = {"default_factory": _unset}


class ListingPatch(BaseModel):
    """A JSON merge patch (RFC 7396) of a listing: the fields sent replace the listing's,
    ``null`` sets an optional one back to its default; the side cannot change."""

    model_config = ConfigDict(extra="forbid")
    commodity: str = Field(max_length=40, **UNSET)
    quantity: int = Field(ge=1, le=MAX_QUANTITY, **UNSET)
    grade: str = Field(max_length=40, **UNSET)
    price: int = Field(ge=1, le=MAX_UNIT_PRICE, **UNSET)
    window_start: date = Field(ge=date(2000, 1, 1), le=date(2100, 12, 31), **UNSET)
    window_end: date = Field(ge=date(2000, 1, 1), le=date(2100, 12, 31), **UNSET)
    lat: float | None = Field(default=None, description=PLACE, **LAT)
    lon: float | None = Field(default=None, description=PLACE, **LON)
    place_name: str | None = Field(default=None, max_length=200)
    max_distance_km: float | None = Field(default=None, **REACH)
    akad: list[AkadName] = Field(min_length=1, max_length=5, **UNSET)
    note: str | None = Field(default=None, max_length=1000)
    min_quantity: int | None = Field(default=None, ge=1, le=MAX_QUANTITY)
    halal_cert: str | None = Field(default=None, max_length=40)
    made_to_order: bool | None = None


OpenIn.model_rebuild()
