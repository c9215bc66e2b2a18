"""Shared trips (angkutan bersama) for integrators: the caller's trips, one trip with its stops,
each deal's stand-alone cost and share, and the transport bearer's answer. The same services
as the trip page (``freight.services.answer``: only the bearer of that deal may answer)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from exchange.api import write_schemas as w
from exchange.api.guard import acting_user, needs
from exchange.api.scopes import Scope
from exchange.api.spec import responses, spec
from exchange.api.views import bp
from exchange.api.vocab import one_of
from exchange.api.write_views import endpoint
from exchange.deals.policy import Side
from exchange.errors import NotFound
from exchange.freight import queries, services
from exchange.freight.policy import Answer, StopKind, TripState


class TripDealOut(BaseModel):
    deal_id: int
    bearer_side: one_of(Side) = Field(description="Who bears this deal's transport (its terms).")
    bearer_pesantren_id: int
    kg: int
    stand_alone: int = Field(description="Rupiah: the cheapest vehicle for this deal alone.")
    share: int = Field(description="Rupiah: trip total x stand_alone / sum of stand_alone.")
    answer: one_of(Answer)


class TripStopOut(BaseModel):
    seq: int
    deal_id: int
    kind: one_of(StopKind)
    place: str
    minute: int = Field(description="Planned time: minutes after 00:00 WIB of the trip's day.")


class TripOut(BaseModel):
    id: int
    day: date
    state: one_of(TripState)
    vehicle: str
    capacity_kg: int
    distance_km: float
    total: int = Field(description="Rupiah: distance x rate per km + a fixed cost per stop.")
    rate_per_km: int
    stop_cost: int
    stand_alone_total: int
    saving: int
    corridor: str
    deals: list[TripDealOut]
    stops: list[TripStopOut]


class TripList(BaseModel):
    items: list[TripOut]


def _present(trip) -> TripOut:
    return TripOut(
        id=trip.id,
        day=trip.day,
        state=trip.state.value,
        vehicle=trip.vehicle,
        capacity_kg=trip.capacity_kg,
        distance_km=round(trip.distance_m / 1000, 1),
        total=int(trip.total),
        rate_per_km=trip.rate_per_km,
        stop_cost=trip.stop_cost,
        stand_alone_total=int(trip.stand_alone_total),
        saving=int(trip.saving),
        corridor=trip.corridor,
        deals=[
            TripDealOut(
                deal_id=d.deal_id,
                bearer_side=d.bearer_side.value,
                bearer_pesantren_id=d.bearer_pesantren_id,
                kg=d.kg,
                stand_alone=int(d.stand_alone),
                share=int(d.share),
                answer=d.answer.value,
            )
            for d in trip.deals
        ],
        stops=[
            TripStopOut(seq=s.seq, deal_id=s.deal_id, kind=s.kind.value, place=s.place,
                        minute=s.minute)
            for s in trip.stops
        ],
    )  # fmt: skip


@bp.get("/trips")
@spec.validate(resp=responses(200, TripList), tags=("read",))
@needs(Scope.READ)
def trips():
    """The shared trips the caller's pesantren is a party of, newest first (at most 100)."""
    user = acting_user()
    if user.pesantren_id is None:
        return TripList(items=[])
    return TripList(items=[_present(t) for t in queries.trips_of(user.pesantren_id)])


@bp.get("/trips/<int:trip_id>")
@spec.validate(resp=responses(200, TripOut), tags=("read",))
@needs(Scope.READ)
def trip(trip_id: int):
    """One trip of the caller's pesantren (another's: 404)."""
    return _present(queries.visible_trip(acting_user(), trip_id))


def _answer(trip_id: int, deal_id: int, accept: bool) -> TripOut:
    user = acting_user()
    if user.pesantren_id is None:
        raise NotFound()
    return _present(services.answer(user, trip_id, deal_id, accept))


@endpoint("/trips/<int:trip_id>/deals/<int:deal_id>/accept", Scope.DEALS, result=TripOut)
def accept_trip(trip_id: int, deal_id: int, headers: w.WriteHeaders):
    """The transport bearer of the deal accepts the trip for it (all accepted: agreed)."""
    return _answer(trip_id, deal_id, True)


@endpoint("/trips/<int:trip_id>/deals/<int:deal_id>/decline", Scope.DEALS, result=TripOut)
def decline_trip(trip_id: int, deal_id: int, headers: w.WriteHeaders):
    """The transport bearer declines: the trip closes and every deal stays as it was."""
    return _answer(trip_id, deal_id, False)
