"""The scheduler's state as a gauge read at scrape time: is some scheduler holding the lock?

Read from the database, so any web worker can answer it (the scheduler process serves its
job durations itself: ``SCHEDULER_METRICS_PORT``)."""

from __future__ import annotations

from sqlalchemy import select, text

from exchange.clock import utcnow
from exchange.extensions import db
from exchange.metrics.instruments import Reading, register_gauge
from exchange.scheduler.lock import ADVISORY_KEY, LEASE_NAME
from exchange.scheduler.models import SchedulerLease

# pg_locks shows a bigint advisory key as two 32-bit halves (objsubid 1 for a bigint key).
_PG_HELD = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND classid = :high AND objid = :low AND objsubid = 1"
)


def lock_held() -> Reading:
    if db.session.get_bind().dialect.name == "postgresql":
        held = db.session.execute(
            _PG_HELD, {"high": ADVISORY_KEY >> 32, "low": ADVISORY_KEY & 0xFFFFFFFF}
        ).scalar()
    else:
        held = db.session.execute(
            select(SchedulerLease.name)
            .where(SchedulerLease.name == LEASE_NAME)
            .where(SchedulerLease.expires_at > utcnow())
        ).first()
    return [((), 1 if held else 0)]


def register() -> None:
    register_gauge(
        "exchange_scheduler_lock_held",
        "1 while a scheduler process holds the scheduler lock (the jobs run), 0 when none does.",
        lock_held,
    )
