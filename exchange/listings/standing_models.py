"""Kebutuhan rutin: a request that posts itself each period (weekly, every two weeks, monthly)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, Date, Float, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.db import UTCDateTime, enum_type, intpk, rupiah, timestamp
from exchange.extensions import db
from exchange.listings.cadence import Cadence


class StandingRequest(db.Model):
    """The terms every period's request carries (quantity, price limit, grade, akad, distance);
    each period becomes an ordinary request listing (``client_token`` ``standing-<id>-<day>``),
    so the market and the clearing see it like any other."""

    __tablename__ = "standing_requests"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("window_days BETWEEN 1 AND 31", name="window_days_range"),
    )

    id: Mapped[intpk]
    pesantren_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    commodity_id: Mapped[int] = mapped_column(ForeignKey("commodities.id"))
    grade: Mapped[int] = mapped_column(Integer)  # the least accepted (Commodity.grade_rank)
    quantity: Mapped[int] = mapped_column(BigInteger)  # each period
    min_quantity: Mapped[int | None] = mapped_column(BigInteger)
    price: Mapped[rupiah]  # the most paid, delivered
    akad: Mapped[list] = mapped_column(JSON, default=list)
    max_distance_km: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    cadence: Mapped[Cadence] = mapped_column(enum_type(Cadence, 10, "cadence_valid"))
    window_days: Mapped[int] = mapped_column(Integer)  # how long each period's window is
    anchor_day: Mapped[int] = mapped_column(Integer)  # monthly: the day of the month
    next_start: Mapped[date] = mapped_column(Date, index=True)  # the next period to post
    until: Mapped[date | None] = mapped_column(Date)  # no period starts after it
    skips: Mapped[list] = mapped_column(JSON, default=list)  # period starts not to post (ISO)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[timestamp]

    commodity = relationship("Commodity", lazy="joined", innerjoin=True)
    pesantren = relationship("Pesantren", lazy="joined", innerjoin=True)
    created_by = relationship("User")

    @property
    def is_running(self) -> bool:
        return self.stopped_at is None and (self.until is None or self.next_start <= self.until)
