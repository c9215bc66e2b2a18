"""Reads of proposed trips: who may see one, a pesantren's trips, the staff's corridors."""

from __future__ import annotations

from sqlalchemy import case, func, or_, select

from exchange.auth.permissions import is_manager_of
from exchange.deals.models import Deal
from exchange.errors import NotFound
from exchange.extensions import db
from exchange.freight.models import FreightRun, Trip, TripDeal
from exchange.freight.policy import Answer, TripState


def _party_trip_ids(pesantren_id: int):
    return (
        select(TripDeal.trip_id)
        .join(Deal, Deal.id == TripDeal.deal_id)
        .where(
            or_(Deal.seller_pesantren_id == pesantren_id, Deal.buyer_pesantren_id == pesantren_id)
        )
    )


def visible_trip(user, trip_id: int) -> Trip:
    """The trip, for staff and for the managers of a pesantren party to one of its deals;
    NotFound for anyone else."""
    trip = db.session.get(Trip, trip_id)
    if trip is None or not getattr(user, "is_authenticated", False):
        raise NotFound()
    if user.is_staff:
        return trip
    parties = {
        p for d in trip.deals for p in (d.deal.seller_pesantren_id, d.deal.buyer_pesantren_id)
    }
    if not any(is_manager_of(user, p) for p in parties):
        raise NotFound()
    return trip


def trips_of(pesantren_id: int, limit: int = 100) -> list[Trip]:
    """The trips with a deal of this pesantren, newest day first."""
    return list(
        db.session.scalars(
            select(Trip)
            .where(Trip.id.in_(_party_trip_ids(pesantren_id)))
            .order_by(Trip.day.desc(), Trip.id.desc())
            .limit(limit)
        )
    )


def waiting_on(pesantren_id: int) -> int:
    """Proposed trips waiting for this pesantren's answer (it bears a deal's transport)."""
    return db.session.scalar(
        select(func.count(func.distinct(TripDeal.trip_id)))
        .join(Trip, Trip.id == TripDeal.trip_id)
        .where(
            Trip.state == TripState.PROPOSED,
            TripDeal.bearer_pesantren_id == pesantren_id,
            TripDeal.answer == Answer.PENDING,
        )
    )


def recent_runs(limit: int = 10) -> list[FreightRun]:
    return list(db.session.scalars(select(FreightRun).order_by(FreightRun.id.desc()).limit(limit)))


def corridors(limit: int = 20) -> list[dict]:
    """Per corridor: trips proposed and agreed, deals, cost alone and shared, what sharing
    saves (agreed trips apart), most saved first."""
    alone = (
        select(TripDeal.trip_id, func.sum(TripDeal.stand_alone).label("alone"),
               func.count().label("deals"))
        .group_by(TripDeal.trip_id)
        .subquery()
    )  # fmt: skip
    agreed = func.sum(case((Trip.state == TripState.AGREED, 1), else_=0))
    rows = db.session.execute(
        select(
            Trip.corridor,
            func.count(Trip.id),
            agreed,
            func.sum(alone.c.deals),
            func.sum(alone.c.alone),
            func.sum(Trip.total),
        )
        .join(alone, alone.c.trip_id == Trip.id)
        .group_by(Trip.corridor)
        .order_by((func.sum(alone.c.alone) - func.sum(Trip.total)).desc(), Trip.corridor)
        .limit(limit)
    ).all()
    return [
        {
            "corridor": r[0], "trips": r[1], "agreed": int(r[2] or 0), "deals": int(r[3] or 0),
            "alone": int(r[4] or 0), "shared": int(r[5] or 0),
            "saved": int(r[4] or 0) - int(r[5] or 0),
        }
        for r in rows
    ]  # fmt: skip
