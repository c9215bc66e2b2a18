"""Reads for the digest pages."""

from __future__ import annotations

from sqlalchemy import Select, select

from exchange.mail.models import OutboxMessage, OutboxStatus


def failed_mail() -> Select:
    """Outbox messages that failed for good, newest first (shown to staff)."""
    return (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.FAILED)
        .order_by(OutboxMessage.id.desc())
    )
