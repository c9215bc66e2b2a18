"""Offers and requests: the fields of the matching engine's instance format."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.db import UTCDateTime, enum_type, intpk, rupiah, timestamp
from exchange.extensions import db
from exchange.listings.geo import unit_vector
from exchange.listings.policy import ListingStatus, Side  # noqa: F401 re-export


class Listing(db.Model):
    __tablename__ = "listings"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("remaining >= 0", name="remaining_nonnegative"),
        CheckConstraint("remaining <= quantity", name="remaining_within_quantity"),
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("window_end >= window_start", name="window_ordered"),
        # NULL (no minimum) passes both: a CHECK refuses only what is false.
        CheckConstraint("min_quantity > 0", name="min_quantity_positive"),
        CheckConstraint("min_quantity <= quantity", name="min_quantity_within_quantity"),
        Index("ix_listings_market", "status", "side", "commodity_id", "created_at"),
        # The market's sort orders: newest first and by price walk these without a full sort.
        Index("ix_listings_created_at_id", "created_at", "id"),
        Index("ix_listings_price_id", "price", "id"),
        # The distance filter's box (queries.py, geo.bounding_box). Longitude first: East Java
        # is three times wider than it is tall, so the longitude band is the narrower one.
        Index("ix_listings_lon_lat", "lon", "lat"),
    )

    id: Mapped[intpk]
    side: Mapped[Side] = mapped_column(enum_type(Side, 10, "side_valid"))
    pesantren_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"), index=True)
    commodity_id: Mapped[int] = mapped_column(ForeignKey("commodities.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Rank, higher is better (Commodity.grade_rank). Offer: what it is; request: the least accepted.
    grade: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(BigInteger)
    # What is not yet committed to deals; changed only by conditional UPDATEs in services.
    remaining: Mapped[int] = mapped_column(BigInteger)
    # The least quantity of one deal (MOQ, "minimal pembelian per transaksi"); None: no minimum.
    min_quantity: Mapped[int | None] = mapped_column(BigInteger)
    # Offer: the least accepted at the seller's gate. Request: the most paid, delivered.
    price: Mapped[rupiah]
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date, index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    # The place in words when the goods are not at the pesantren ("Gudang Bulog Tandes,
    # Jl. Tandes 12"): contracts and pages print it, never the bare coordinates.
    place_name: Mapped[str | None] = mapped_column(String(200))
    max_distance_km: Mapped[float | None] = mapped_column(Float)  # requests only
    # The place on the unit sphere (geo.unit_vector), kept in step with lat/lon by the mapper
    # events below: distance filters and sorts in SQL are then plain arithmetic (see geo.py).
    geo_x: Mapped[float | None] = mapped_column(Float)
    geo_y: Mapped[float | None] = mapped_column(Float)
    geo_z: Mapped[float | None] = mapped_column(Float)
    # Accepted contract types, in the listing's order of preference (the form keeps the
    # catalogue order: tunai, tempo, salam, istisna, murabahah).
    akad: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    halal_cert: Mapped[str | None] = mapped_column(String(40))
    # Made to this order (a custom label, tailoring): the only listings istisna' is for.
    made_to_order: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ListingStatus] = mapped_column(
        enum_type(ListingStatus, 12, "status_valid"), default=ListingStatus.ACTIVE
    )
    status_reason: Mapped[str | None] = mapped_column(String(500))
    # A double submit carries the same token: the second POST finds the first listing.
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[timestamp]
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    pesantren = relationship("Pesantren", lazy="joined", innerjoin=True)
    commodity = relationship("Commodity", lazy="joined", innerjoin=True)

    @property
    def committed(self) -> int:
        return self.quantity - self.remaining

    @property
    def is_editable(self) -> bool:
        """Edits are allowed while the listing is active and nothing is committed to deals."""
        return self.status == ListingStatus.ACTIVE and self.remaining == self.quantity

    def is_expired_on(self, today: date) -> bool:
        return self.window_end < today

    def display_status(self, today: date) -> str:
        """Expired shows at once, before the scheduler marks it."""
        if self.status == ListingStatus.ACTIVE and self.is_expired_on(today):
            return ListingStatus.EXPIRED.value
        return self.status


@event.listens_for(Listing, "before_insert")
@event.listens_for(Listing, "before_update")
def _keep_geo_in_step(mapper, connection, listing: Listing) -> None:
    if listing.lat is not None and listing.lon is not None:
        listing.geo_x, listing.geo_y, listing.geo_z = unit_vector(listing.lat, listing.lon)
