"""Proposed shared trips: a planning run, its trips, each trip's deals (with their shares and
the answer of whoever bears transport) and stops. Changed only by ``freight.services``."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.db import UTCDateTime, enum_type, intpk, rupiah, timestamp
from exchange.deals.policy import Side
from exchange.extensions import db
from exchange.freight.policy import Answer, RunTrigger, StopKind, TripState


class FreightRun(db.Model):
    """One planning run: what it looked at, what it proposed, what it would save."""

    __tablename__ = "freight_runs"

    id: Mapped[intpk]
    trigger: Mapped[RunTrigger] = mapped_column(enum_type(RunTrigger, 10, "trigger_valid"))
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: scheduler
    deals_considered: Mapped[int] = mapped_column(Integer, default=0)
    deals_shared: Mapped[int] = mapped_column(Integer, default=0)
    trips: Mapped[int] = mapped_column(Integer, default=0)
    cost_alone: Mapped[rupiah] = mapped_column(default=0)  # of the deals it proposed trips for
    cost_shared: Mapped[rupiah] = mapped_column(default=0)  # those trips' total
    solver_ms: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[timestamp]


class Trip(db.Model):
    __tablename__ = "freight_trips"
    __table_args__ = (CheckConstraint("total >= 0", name="total_nonnegative"),)

    id: Mapped[intpk]
    run_id: Mapped[int] = mapped_column(ForeignKey("freight_runs.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)  # every deal's handover date
    vehicle: Mapped[str] = mapped_column(String(20))  # a class code of the settings
    capacity_kg: Mapped[int] = mapped_column(Integer)
    rate_per_km: Mapped[int] = mapped_column(Integer)
    stop_cost: Mapped[int] = mapped_column(Integer)
    distance_m: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[rupiah]
    corridor: Mapped[str] = mapped_column(String(255), default="")  # "Sumenep - Jombang"
    state: Mapped[TripState] = mapped_column(
        enum_type(TripState, 10, "state_valid"), default=TripState.PROPOSED
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[timestamp]

    deals = relationship("TripDeal", order_by="TripDeal.deal_id", viewonly=True)
    stops = relationship("TripStop", order_by="TripStop.seq", viewonly=True)

    @property
    def stand_alone_total(self) -> int:
        return sum(d.stand_alone for d in self.deals)

    @property
    def saving(self) -> int:
        return self.stand_alone_total - self.total


class TripDeal(db.Model):
    """A deal in a trip: its stand-alone cost, its share, and its transport bearer's answer."""

    __tablename__ = "freight_trip_deals"
    __table_args__ = (
        UniqueConstraint("trip_id", "deal_id"),
        CheckConstraint("share >= 0 AND share <= stand_alone", name="share_within_alone"),
    )

    id: Mapped[intpk]
    trip_id: Mapped[int] = mapped_column(ForeignKey("freight_trips.id"), index=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    terms_version: Mapped[int] = mapped_column(Integer)  # the terms the trip was planned on
    bearer_side: Mapped[Side] = mapped_column(enum_type(Side, 10, "bearer_side_valid"))
    bearer_pesantren_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"), index=True)
    kg: Mapped[int] = mapped_column(BigInteger)
    stand_alone: Mapped[rupiah]
    share: Mapped[rupiah]
    answer: Mapped[Answer] = mapped_column(
        enum_type(Answer, 10, "answer_valid"), default=Answer.PENDING
    )
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    trip = relationship(Trip, viewonly=True)
    deal = relationship("Deal", lazy="joined", viewonly=True)


class TripStop(db.Model):
    __tablename__ = "freight_trip_stops"
    __table_args__ = (UniqueConstraint("trip_id", "seq"),)

    id: Mapped[intpk]
    trip_id: Mapped[int] = mapped_column(ForeignKey("freight_trips.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"))
    kind: Mapped[StopKind] = mapped_column(enum_type(StopKind, 10, "kind_valid"))
    place: Mapped[str] = mapped_column(String(255))  # the regency, for the reader
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    minute: Mapped[int] = mapped_column(Integer)  # planned time, minutes after 00:00 WIB
