"""Is the read replica there and close enough behind? This process's view of it, kept by the
decisions of ``exchange/replica_policy.py`` (docs/production.md, "Read replica").

``open_replica()`` is called before a listed view runs on the replica: it takes the view's
replica connection up front (the pool pings it), so a replica that refuses or times out is
seen here, not half-way through the view: the view then runs on the primary. Every
``REPLICA_LAG_CHECK_SECONDS`` the same connection measures the lag; over
``REPLICA_MAX_LAG_SECONDS`` the reads go to the primary. A down replica is tried again after
``REPLICA_RETRY_SECONDS``. One log line when the replica goes down, comes back, starts or
stops lagging (per process: each gunicorn worker keeps its own view).

A replica can also fail half-way through a view, after its connection was taken: the
connection drops (a restart, a failover, a network cut), or a standby cancels the statement
(a conflict with recovery). ``watch_replica()`` notes which (``replica_failure()``); the routed
view (``replica_reads.py``) then runs again on the primary, and a drop counts as the replica
going down.
"""

from __future__ import annotations

import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum

from flask import Flask, current_app
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from exchange.extensions import db
from exchange.replica_policy import (
    Change,
    Limits,
    ReplicaState,
    Step,
    change,
    decide,
    failed,
    measured,
    probing,
    usable,
)
from exchange.routing import REPLICA
from exchange.site.per_process import per_process

#: Seconds the replica's replay is behind. 0 when it has replayed all it received (an idle
#: primary writes nothing, and the last replay's timestamp would otherwise grow old); NULL on
#: a primary (a stand-in replica, or tests): no lag.
LAG_SQL = text(
    "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
    " ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
)
#: Failures that mean "the replica is not answering" (refused, timed out, dropped, no pool slot).
UNREACHABLE = (DBAPIError, PoolTimeout)


class Failure(StrEnum):
    """How a statement on the replica failed (``replica_failure()``)."""

    DROPPED = "dropped"  # the connection is gone: the replica is down
    CANCELLED = "cancelled"  # the statement failed (a standby's recovery conflict, a timeout)


_failure: ContextVar[Failure | None] = ContextVar("replica_failure", default=None)


def watch_replica(engine) -> None:
    """Note every operational failure of a statement on the replica ``engine``."""

    @event.listens_for(engine, "handle_error")
    def _noted(context) -> None:
        if isinstance(context.sqlalchemy_exception, OperationalError):
            _failure.set(Failure.DROPPED if context.is_disconnect else Failure.CANCELLED)


def forget_failure() -> None:
    _failure.set(None)


def replica_failure() -> Failure | None:
    """How the replica failed in this context since ``forget_failure()``, or None."""
    return _failure.get()


def lost_replica(what: Failure) -> None:
    """After a view's read failed on the replica: leave its connection, and when it dropped,
    count the replica as down (one log line); the view then runs again on the primary."""
    app = current_app._get_current_object()
    db.session.rollback()
    if what == Failure.DROPPED:
        _record(app, failed(_holder(app).state, _clock(), limits(app)))
    else:
        app.logger.warning("a read on the replica failed: answered from the primary")


def _clock() -> float:
    """Seconds of the monotonic clock the back-off and the lag checks count in."""
    return time.monotonic()


@dataclass
class _Holder:
    pid: int
    state: ReplicaState = field(default_factory=ReplicaState)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _holder(app: Flask) -> _Holder:
    return per_process(app, "replica_health", _Holder)


def limits(app: Flask) -> Limits:
    c = app.config
    return Limits(
        retry_seconds=float(c["REPLICA_RETRY_SECONDS"]),
        max_lag_seconds=float(c["REPLICA_MAX_LAG_SECONDS"]),
        lag_check_seconds=float(c["REPLICA_LAG_CHECK_SECONDS"]),
    )


def state(app: Flask) -> ReplicaState:
    return _holder(app).state


def _record(app: Flask, after: ReplicaState) -> None:
    holder = _holder(app)
    with holder.lock:
        before, holder.state = holder.state, after
    _log(app, change(before, after, limits(app)), after)


def _log(app: Flask, what: Change | None, now: ReplicaState) -> None:
    bound = limits(app)
    if what == Change.DOWN:
        app.logger.error(
            "read replica unreachable: the listed reads go to the primary (tried again every %g s)",
            bound.retry_seconds,
        )
    elif what == Change.UP:
        app.logger.warning("read replica answers again (lag %.1f s)", now.lag_seconds or 0.0)
    elif what == Change.LAGGING:
        app.logger.warning(
            "read replica lags %.1f s (over %g s): the listed reads go to the primary",
            now.lag_seconds,
            bound.max_lag_seconds,
        )
    elif what == Change.CAUGHT_UP:
        app.logger.warning("read replica caught up (lag %.1f s)", now.lag_seconds)


def _lag(connection) -> float | None:
    if connection.dialect.name != "postgresql":
        return None
    value = connection.execute(LAG_SQL).scalar()
    return None if value is None else float(value)


def open_replica() -> bool:
    """Before a listed view: True when it may read from the replica (whose connection is now
    open in ``db.session``), False when it must read from the primary."""
    app = current_app._get_current_object()
    engine = db.engines.get(REPLICA)
    if engine is None:
        return False
    holder, bound, now = _holder(app), limits(app), _clock()
    with holder.lock:
        step = decide(holder.state, now, bound)
        if step == Step.PROBE:
            holder.state = probing(holder.state, now, bound)
    if step == Step.PRIMARY:
        return False
    try:
        connection = db.session.connection(bind_arguments={"bind": engine})
        lag = _lag(connection) if step == Step.PROBE else None
    except UNREACHABLE:
        db.session.rollback()  # the view starts afresh, on the primary
        _record(app, failed(holder.state, _clock(), bound))
        return False
    if step == Step.REPLICA:
        return True
    after = measured(_clock(), lag)
    _record(app, after)
    if not usable(after, bound):
        db.session.rollback()  # leave the lagging replica's connection
        return False
    return True


def lag_reading():
    """The gauge ``exchange_replica_lag_seconds``: measured now on a connection of its own
    (none while the replica is down and waiting for its retry, or not configured)."""
    app = current_app._get_current_object()
    engine = db.engines.get(REPLICA)
    if engine is None:
        return []
    bound, now = limits(app), _clock()
    if decide(state(app), now, bound) == Step.PRIMARY and state(app).down:
        return []
    try:
        with engine.connect() as connection:
            lag = _lag(connection)
    except UNREACHABLE:
        _record(app, failed(state(app), _clock(), bound))
        return []
    after = measured(_clock(), lag)
    _record(app, after)
    return [((), after.lag_seconds)]


def in_use_reading():
    """The gauge ``exchange_replica_in_use``: 1 while this process sends the listed reads to
    the replica (configured, answering, not lagging), 0 else."""
    app = current_app._get_current_object()
    configured = db.engines.get(REPLICA) is not None
    return [((), 1.0 if configured and usable(state(app), limits(app)) else 0.0)]
