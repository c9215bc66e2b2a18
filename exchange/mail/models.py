"""The outbox: mail written in the same transaction as the change that causes it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from exchange.db import UTCDateTime, enum_type, intpk, str255, timestamp
from exchange.extensions import db


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # permanent failure, shown to staff


class OutboxChannel(StrEnum):
    EMAIL = "email"
    WHATSAPP = "whatsapp"  # a Cloud API template message (exchange/mail/whatsapp.py)


class OutboxMessage(db.Model):
    __tablename__ = "outbox"

    id: Mapped[intpk]
    # e-mail: to_address is the address; WhatsApp: the number (E.164), subject the template's
    # name and headers its language and parameters ({"language", "body", "button"})
    channel: Mapped[str] = mapped_column(
        String(10), default=OutboxChannel.EMAIL.value, server_default=OutboxChannel.EMAIL.value
    )
    to_address: Mapped[str255]
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    # Makes a retried job harmless: e.g. "digest:daily:2027-01-04:user:17"
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_type(OutboxStatus, 10, "status_valid"), default=OutboxStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A sender's claim: until then no other sender may send the row (see outbox.deliver_pending)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))
    # Holds a secret (a reset link): the bodies are blanked once the message is sent or failed.
    sensitive: Mapped[bool] = mapped_column(default=False)
    # WhatsApp: the provider's message id and its latest delivery status (from the webhook)
    provider_id: Mapped[str | None] = mapped_column(String(128), index=True)
    delivery_status: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[timestamp]
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
