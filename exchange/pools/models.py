"""Pools (patungan): a request several pesantren make together, and its members' shares."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
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
from exchange.extensions import db
from exchange.pools.policy import DEFAULT_MAX_DISTANCE_KM, PoolState


class Pool(db.Model):
    __tablename__ = "pools"
    __table_args__ = (
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("window_end >= window_start", name="window_ordered"),
        CheckConstraint("max_distance_km > 0", name="distance_positive"),
    )

    id: Mapped[intpk]
    # Who opened it (a pesantren, or a Puskopontren's pesantren acting for its members).
    coordinator_pesantren_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    commodity_id: Mapped[int] = mapped_column(ForeignKey("commodities.id"), index=True)
    grade: Mapped[int] = mapped_column(Integer)  # the least accepted (Commodity.grade_rank)
    price: Mapped[rupiah]  # the most paid per unit, delivered to the hub
    window_start: Mapped[date] = mapped_column(Date, index=True)
    window_end: Mapped[date] = mapped_column(Date)
    akad: Mapped[list] = mapped_column(JSON, default=list)
    # The hub: one delivery point, as a place and an address in words.
    hub_lat: Mapped[float] = mapped_column(Float)
    hub_lon: Mapped[float] = mapped_column(Float)
    hub_address: Mapped[str] = mapped_column(String(200))
    max_distance_km: Mapped[float] = mapped_column(Float, default=DEFAULT_MAX_DISTANCE_KM)
    # The one request listing the market and the engine see; its quantity is the members' sum.
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id"), unique=True)
    state: Mapped[PoolState] = mapped_column(
        enum_type(PoolState, 10, "state_valid"), default=PoolState.OPEN
    )
    # Once matched: the seller's offer and the agreed unit price (delivered to the hub) and akad.
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id"))
    unit_price: Mapped[int | None] = mapped_column(BigInteger)
    agreed_akad: Mapped[str | None] = mapped_column(String(20))
    handover_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[timestamp]
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    commodity = relationship("Commodity", lazy="joined", innerjoin=True)
    coordinator = relationship("Pesantren", lazy="joined", innerjoin=True)
    listing = relationship("Listing", foreign_keys=[listing_id])
    members = relationship(
        "PoolMember", back_populates="pool", order_by="PoolMember.id", lazy="selectin"
    )

    @property
    def total(self) -> int:
        return sum(m.quantity for m in self.members)


class PoolMember(db.Model):
    __tablename__ = "pool_members"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        UniqueConstraint("pool_id", "pesantren_id"),  # one share each
    )

    id: Mapped[intpk]
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id"), index=True)
    pesantren_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"), index=True)
    quantity: Mapped[int] = mapped_column(BigInteger)
    joined_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    joined_at: Mapped[timestamp]
    # Once matched: the member's own deal with the seller.
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"), unique=True)
    # Once closed unmatched: the request of its own the member turned its share into.
    own_listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id"), unique=True)

    pool = relationship("Pool", back_populates="members")
    pesantren = relationship("Pesantren", lazy="joined", innerjoin=True)
