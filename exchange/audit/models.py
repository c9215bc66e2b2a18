"""The audit log: every verification, listing change, deal move and staff action."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.db import intpk, timestamp
from exchange.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[intpk]
    created_at: Mapped[timestamp] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    pesantren_id: Mapped[int | None] = mapped_column(ForeignKey("pesantren.id"), index=True)
    # e.g. "pesantren.verified", "listing.created", "deal.accepted"
    kind: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int | None]
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = relationship("User")
