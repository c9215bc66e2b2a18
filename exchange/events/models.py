"""The events feed's rows and the webhooks that deliver them (an outbox, as the mail's)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.db import UTCDateTime, intpk, timestamp
from exchange.extensions import db


class EventKind(StrEnum):
    DEAL = "deal"
    LISTING = "listing"
    PROPOSAL = "proposal"
    KLIRING = "kliring"
    NOTIFICATION = "notification"


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    DELIVERED = "delivered"  # the receiver answered 2xx
    GIVEN_UP = "given_up"  # no 2xx within WEBHOOK_RETRY_HOURS


class ApiEvent(db.Model):
    """One change a pesantren's integration may follow (``GET /api/v1/events``): written by the
    session hook of ``events/feed.py`` in the same transaction as the change, one row per
    pesantren concerned. ``id`` is the feed's cursor."""

    __tablename__ = "api_events"
    __table_args__ = (Index("ix_api_events_pesantren_id_id", "pesantren_id", "id"),)

    id: Mapped[intpk]
    pesantren_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"))
    kind: Mapped[str] = mapped_column(String(20))  # events/feed.py EventKind
    object_id: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(40))
    version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[timestamp]


class WebhookEndpoint(db.Model):
    """Where a pesantren's events are POSTed (one endpoint per pesantren), signed with its
    secret (HMAC-SHA256, events/delivery.py)."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[intpk]
    pesantren_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"), unique=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[timestamp]


class WebhookDelivery(db.Model):
    """One event to one endpoint: written with the event (same transaction), sent after."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id"),
        Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[intpk]
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("api_events.id"))
    status: Mapped[str] = mapped_column(String(10), default=DeliveryStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None] = mapped_column(Integer)  # the receiver's HTTP status
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[timestamp]

    event = relationship("ApiEvent", lazy="joined")
