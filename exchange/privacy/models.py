"""Requests under UU PDP (Law 27/2022): a person asks for their data to be deleted."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.db import UTCDateTime, enum_type, intpk, timestamp
from exchange.extensions import db


class RequestStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"  # the person was anonymised
    DECLINED = "declined"


PENDING_ONLY = text("status = 'pending'")


class DeletionRequest(db.Model):
    __tablename__ = "privacy_requests"
    # One open request per person, whatever arrives at once (two taps, two tabs).
    __table_args__ = (
        Index(
            "uq_privacy_requests_one_pending",
            "user_id",
            unique=True,
            postgresql_where=PENDING_ONLY,
            sqlite_where=PENDING_ONLY,
        ),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[RequestStatus] = mapped_column(
        enum_type(RequestStatus, 10, "status_valid"), default=RequestStatus.PENDING
    )
    reason: Mapped[str | None] = mapped_column(String(1000))  # the person's, optional
    answer: Mapped[str | None] = mapped_column(String(1000))  # staff's, when declined
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[timestamp]

    user = relationship("User", foreign_keys=[user_id])
