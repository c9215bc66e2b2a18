"""``POST /api/v1/listings/batch``: up to 500 listings in one request, each row written or
refused on its own (a bad row blocks no other), with a result per row. Idempotent: each row's
client token is derived from the request's Idempotency-Key and the row's index, so a retry
(even after the stored answer expired) posts no row twice."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from exchange.api import present, schemas
from exchange.api.guard import acting_user
from exchange.api.idempotency import client_token
from exchange.api.messages import field_message
from exchange.api.scopes import Scope
from exchange.api.write_schemas import ListingIn, WriteHeaders
from exchange.api.write_views import _listing_input, endpoint
from exchange.errors import DomainError
from exchange.extensions import db
from exchange.listings import services as listings

MAX_ROWS = 500


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rows: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=MAX_ROWS,
        description="Listings, each as the body of POST /listings (ListingIn). Each row is "
        "checked on its own: a row the schema or the service refuses is reported in its result.",
    )


class RowError(BaseModel):
    field: str | None
    detail: str


class RowResult(BaseModel):
    index: int = Field(description="The row's position in ``rows`` (from 0).")
    status: int = Field(description="201 written, or the status the row alone would get.")
    listing: schemas.Listing | None = None
    errors: list[RowError] = Field(default_factory=list)


class BatchResult(BaseModel):
    written: int
    refused: int
    items: list[RowResult]


def _row(index: int, row: dict, token: str) -> RowResult:
    user = acting_user()
    try:
        body = ListingIn.model_validate(row)
    except ValidationError as error:
        problems = [
            RowError(field=".".join(map(str, e["loc"])) or None, detail=field_message(e)[:200])
            for e in error.errors()[:20]
        ]
        return RowResult(index=index, status=400, errors=problems)
    if user.pesantren is not None and user.pesantren.lat is not None:
        body = body.model_copy(
            update={"lat": body.lat or user.pesantren.lat, "lon": body.lon or user.pesantren.lon}
        )
    try:
        listing, _warnings = listings.create_listing(user, _listing_input(body, f"{token}-{index}"))
    except DomainError as refusal:
        db.session.rollback()
        problems = [RowError(field=name, detail=str(text)) for text, name in refusal.details]
        return RowResult(index=index, status=refusal.status_code, errors=problems)
    return RowResult(index=index, status=201, listing=present.listing(listing))


@endpoint("/listings/batch", Scope.LISTINGS, json=BatchIn, result=BatchResult)
def create_listings(json: BatchIn, headers: WriteHeaders):
    """Post up to 500 offers or requests at once (counts as one request for the rate limit):
    each row is written or refused on its own; ``items`` gives each row's result in order."""
    token = client_token(headers.idempotency_key)
    items = [_row(i, row, token) for i, row in enumerate(json.rows)]
    written = sum(1 for r in items if r.status == 201)
    return BatchResult(written=written, refused=len(items) - written, items=items)
