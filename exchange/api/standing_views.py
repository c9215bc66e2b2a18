"""Standing requests (kebutuhan rutin): the token's pesantren's, a new one, an own request made
to repeat, stopping one and skipping its next period (scope ``listings``: each period posts a
request listing). The same services as the page (``listings.standing``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import g, url_for
from pydantic import BaseModel, ConfigDict, Field

from exchange.api import write_schemas as w
from exchange.api.guard import acting_user, needs
from exchange.api.scopes import Scope
from exchange.api.spec import responses, spec
from exchange.api.views import bp
from exchange.api.vocab import AkadName, one_of
from exchange.api.write_views import endpoint
from exchange.listings import standing
from exchange.listings.cadence import MAX_WINDOW_DAYS, Cadence
from exchange.listings.services import ListingInput

CadenceName = one_of(Cadence)
UNTIL = "No period starts after this day (left out: until stopped)."


class StandingIn(BaseModel):
    """The first period's request (its window: at most 31 days) and how it repeats."""

    model_config = ConfigDict(extra="forbid")
    commodity: str = Field(max_length=40, description="A commodity slug (GET /commodities).")
    grade: str = Field(max_length=40, description="The least grade accepted (the commodity's).")
    quantity: int = Field(ge=1, le=w.MAX_QUANTITY, description="Each period, in its unit.")
    price: int = Field(ge=1, le=w.MAX_UNIT_PRICE, description="Rupiah per unit: the most paid.")
    window_start: date = Field(
        ge=date(2000, 1, 1), le=date(2100, 12, 31), description="The first period's first day."
    )
    window_end: date = Field(
        ge=date(2000, 1, 1),
        le=date(2100, 12, 31),
        description=f"The first period's last day (at most {MAX_WINDOW_DAYS} days after).",
    )
    akad: list[AkadName] = Field(min_length=1, max_length=5)
    max_distance_km: float | None = Field(
        default=None, description="How far the goods may come from.", **w.REACH
    )
    note: str = Field(default="", max_length=1000)
    min_quantity: int | None = Field(default=None, ge=1, le=w.MAX_QUANTITY)
    cadence: CadenceName = Field(description="How often a period's request is posted.")
    until: date | None = Field(default=None, ge=date(2000, 1, 1), le=date(2100, 12, 31))


class RepeatIn(BaseModel):
    """One of the pesantren's active requests made to repeat from the period after it."""

    model_config = ConfigDict(extra="forbid")
    cadence: CadenceName
    until: date | None = Field(
        default=None, ge=date(2000, 1, 1), le=date(2100, 12, 31), description=UNTIL
    )


class StandingOut(BaseModel):
    id: int
    commodity: str
    grade: str
    quantity: int
    min_quantity: int | None
    price: int
    akad: list[AkadName]
    max_distance_km: float | None
    note: str
    cadence: CadenceName
    window_days: int = Field(description="How long each period's request is open.")
    next_start: date = Field(description="The first day of the next period to post.")
    next_window_end: date = Field(description="The last day of the next period's window.")
    until: date | None
    skips: list[date] = Field(description="Period starts that will not be posted.")
    running: bool = Field(description="False once stopped or past its end date.")
    stopped_at: datetime | None


class StandingList(BaseModel):
    items: list[StandingOut] = Field(description="Running ones first, newest first.")


def _present(s) -> StandingOut:
    return StandingOut(
        id=s.id,
        commodity=s.commodity.slug,
        grade=s.commodity.grade_label(s.grade),
        quantity=s.quantity,
        min_quantity=s.min_quantity,
        price=s.price,
        akad=list(s.akad or []),
        max_distance_km=s.max_distance_km,
        note=s.note or "",
        cadence=s.cadence.value if hasattr(s.cadence, "value") else s.cadence,
        window_days=s.window_days,
        next_start=s.next_start,
        next_window_end=s.next_start + timedelta(days=s.window_days - 1),
        until=s.until,
        skips=[date.fromisoformat(d) for d in s.skips or []],
        running=s.is_running,
        stopped_at=s.stopped_at,
    )


def _created(made) -> tuple[StandingOut, int]:
    g.api_location = url_for("api.standing_request", standing_id=made.id)
    return _present(made), 201


@bp.get("/standing-requests")
@spec.validate(resp=responses(200, StandingList), tags=("read",))
@needs(Scope.READ)
def standing_requests():
    """The standing requests of the token's pesantren (the page's list)."""
    user = acting_user()
    if user.pesantren_id is None:
        return StandingList(items=[])
    return StandingList(items=[_present(s) for s in standing.own_standings(user)])


@bp.get("/standing-requests/<int:standing_id>")
@spec.validate(resp=responses(200, StandingOut), tags=("read",))
@needs(Scope.READ)
def standing_request(standing_id: int):
    """One standing request of the token's pesantren (another's: 404)."""
    return _present(standing.own_standing(acting_user(), standing_id))


@endpoint("/standing-requests", Scope.LISTINGS, json=StandingIn, status=201, result=StandingOut)
def create_standing(json: StandingIn, headers: w.WriteHeaders):
    """A request that posts itself each period: the first period's request is posted at once
    when its window has begun, the others by the daily job (each an ordinary request)."""
    given = json.model_dump(exclude={"cadence", "until"})
    inp = ListingInput(side="request", **given | {"akad": tuple(json.akad)})
    return _created(standing.create_standing(acting_user(), inp, json.cadence, json.until))


@endpoint("/listings/<int:listing_id>/repeat", Scope.LISTINGS, json=RepeatIn, status=201,
          result=StandingOut)  # fmt: skip
def repeat_listing(listing_id: int, json: RepeatIn, headers: w.WriteHeaders):
    """Make one of the pesantren's active requests repeat, on its terms, from the period after
    its window (not an active request of its own: 400; another's: 404)."""
    return _created(standing.repeat_listing(acting_user(), listing_id, json.cadence, json.until))


@endpoint("/standing-requests/<int:standing_id>/stop", Scope.LISTINGS, result=StandingOut)
def stop_standing(standing_id: int, headers: w.WriteHeaders):
    """No more periods are posted (the requests posted stay). Stopping twice is harmless."""
    return _present(standing.stop_standing(acting_user(), standing_id))


@endpoint("/standing-requests/<int:standing_id>/skip", Scope.LISTINGS, result=StandingOut)
def skip_standing(standing_id: int, headers: w.WriteHeaders):
    """The next period is not posted (stopped or ended: 409)."""
    user = acting_user()
    standing.skip_next(user, standing_id)
    return _present(standing.own_standing(user, standing_id))
