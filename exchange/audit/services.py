"""Writing audit events. Called inside a service's transaction; never commits."""

from __future__ import annotations

from exchange.audit.models import AuditEvent
from exchange.extensions import db


def record(
    kind: str, obj=None, *, actor=None, pesantren_id=None, flush: bool = True, **data
) -> AuditEvent:
    """Add an audit event to the current transaction (flushes, does not commit).

    ``flush=False``: a bulk caller (the registry import) has its events inserted together."""
    event = AuditEvent(
        kind=kind,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "id", None),
        actor_id=getattr(actor, "id", None),
        pesantren_id=pesantren_id,
        data={k: _plain(v) for k, v in data.items()},
    )
    db.session.add(event)
    if flush:
        db.session.flush()
    return event


def _plain(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
