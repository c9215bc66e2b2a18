"""Searching the audit log: by pesantren, user e-mail, kind prefix and date (WIB days)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from exchange.audit.models import AuditEvent
from exchange.auth.models import User
from exchange.clock import WIB
from exchange.extensions import db
from exchange.pesantren.models import Pesantren
from exchange.site.guards import ID_MAX


@dataclass(frozen=True)
class AuditFilters:
    pesantren: str = ""  # an id, or part of the name
    email: str = ""  # part of the acting user's e-mail
    kind: str = ""  # a prefix: "listing." or "deal.accepted"
    start: date | None = None
    end: date | None = None

    def args(self) -> dict[str, str]:
        out = {"pesantren": self.pesantren, "email": self.email, "jenis": self.kind}
        out["dari"] = self.start.isoformat() if self.start else ""
        out["sampai"] = self.end.isoformat() if self.end else ""
        return {k: v for k, v in out.items() if v}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(f: AuditFilters) -> Select:
    """The events matching the filters, newest first (their actors loaded with them)."""
    q = (
        select(AuditEvent)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(Pesantren, Pesantren.id == AuditEvent.pesantren_id)
        .options(selectinload(AuditEvent.actor))
    )
    if f.pesantren:
        term = f.pesantren.strip()
        name_match = Pesantren.name.ilike(f"%{_escape_like(term)}%", escape="\\")
        # an id only within the id column's range (a longer number is part of a name)
        is_id = term.isdigit() and int(term) <= ID_MAX
        q = q.where(or_(AuditEvent.pesantren_id == int(term), name_match) if is_id else name_match)
    if f.email:
        q = q.where(User.email.ilike(f"%{_escape_like(f.email.strip())}%", escape="\\"))
    if f.kind:
        q = q.where(AuditEvent.kind.like(f"{_escape_like(f.kind.strip())}%", escape="\\"))
    if f.start:
        q = q.where(AuditEvent.created_at >= _wib_midnight(f.start))
    if f.end:
        q = q.where(AuditEvent.created_at < _wib_midnight(f.end + timedelta(days=1)))
    return q.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def _wib_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), WIB).astimezone(UTC)


def batches(f: AuditFilters, size: int = 1000):
    """Every matching event, newest first, as lists of ``size`` (keyset paging, no server-side
    cursor, so the CSV can stream after the view has returned)."""
    base = search(f).order_by(None).order_by(AuditEvent.id.desc()).limit(size)
    last = None
    while True:
        q = base if last is None else base.where(AuditEvent.id < last)
        events = db.session.scalars(q).all()
        yield events
        if len(events) < size:
            return
        last = events[-1].id


def pesantren_names(events) -> dict[int, str]:
    ids = sorted({e.pesantren_id for e in events if e.pesantren_id})
    if not ids:
        return {}
    return dict(
        db.session.execute(select(Pesantren.id, Pesantren.name).where(Pesantren.id.in_(ids))).all()
    )
