"""One row per reader and period, sent or empty (``outbox_id`` NULL, ``item_count`` 0): the
unique key makes a rerun (or a second scheduler) harmless, and a run is over when every due
reader has one (``digests.services.run_finished``)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.db import intpk, timestamp
from exchange.extensions import db


class DigestRecord(db.Model):
    __tablename__ = "digest_records"
    __table_args__ = (UniqueConstraint("user_id", "period", "period_key"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))  # daily | weekly
    period_key: Mapped[str] = mapped_column(String(10))  # 2027-01-04 | 2027-W01
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    created_at: Mapped[timestamp]

    outbox = relationship("OutboxMessage")
