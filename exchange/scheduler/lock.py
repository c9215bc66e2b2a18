"""Only one scheduler at a time: a PostgreSQL advisory lock, or a lease row elsewhere (SQLite).

The advisory lock lives as long as the lock's own connection, so a killed scheduler frees it at
once. The lease expires after ``SCHEDULER_LEASE_SECONDS`` unless renewed, so a killed scheduler
on SQLite frees it within that time.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import time
import uuid
from datetime import timedelta

from sqlalchemy import create_engine, delete, or_, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from exchange.db import utcnow
from exchange.scheduler.models import SchedulerLease

log = logging.getLogger(__name__)
# "bursa" in ASCII: any constant other apps on the server do not use
ADVISORY_KEY = 0x6275727361
LEASE_NAME = "scheduler"


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class PostgresLock:
    kind = "PostgreSQL advisory lock"

    def __init__(self, url: str):
        self.engine = create_engine(url, poolclass=NullPool)
        self.conn = None
        self.released = False  # once released (shutting down), never taken again

    def try_acquire(self) -> bool:
        conn = self.engine.connect()
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar()
        conn.commit()
        if got:
            self.conn = conn
        else:
            conn.close()
        return bool(got)

    @property
    def held(self) -> bool:
        return self.conn is not None

    def renew(self) -> bool | None:
        """True while held; after the connection died (a database blip, a restart), the lock
        is taken again on a new connection. False when another scheduler took it meanwhile,
        None while the database does not answer (try again later)."""
        if self.released:
            return False
        if self.conn is not None:
            try:
                self.conn.execute(text("SELECT 1"))
                self.conn.commit()
                return True
            except DBAPIError:
                with contextlib.suppress(Exception):
                    self.conn.close()
                self.conn = None  # the lock went with the connection
        try:
            return self.try_acquire()
        except DBAPIError:
            return None

    def release(self) -> None:
        self.released = True
        if self.conn is not None:
            try:
                self.conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                self.conn.commit()
            except DBAPIError:
                pass  # the connection is gone, and the lock with it
            self.conn.close()
            self.conn = None
        self.engine.dispose()


class LeaseLock:
    kind = "lease row"

    def __init__(self, engine, seconds: int):
        self.engine = engine
        self.seconds = seconds
        self.holder = holder_id()
        self.held = False

    def try_acquire(self) -> bool:
        now = utcnow()
        until = now + timedelta(seconds=self.seconds)
        table = SchedulerLease.__table__
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(table)
                .where(table.c.name == LEASE_NAME)
                .where(or_(table.c.holder == self.holder, table.c.expires_at < now))
                .values(holder=self.holder, expires_at=until)
            ).rowcount
            if not taken:
                taken = conn.execute(
                    sqlite_insert(table)
                    .values(name=LEASE_NAME, holder=self.holder, expires_at=until)
                    .on_conflict_do_nothing()
                ).rowcount
        self.held = bool(taken)
        return self.held

    def renew(self) -> bool | None:
        """True while held (the lease is extended), False when another scheduler has it or it
        was released, None while the database does not answer."""
        if not self.held:
            return False
        try:
            return self.try_acquire()
        except DBAPIError:
            return None

    def release(self) -> None:
        if self.held:
            table = SchedulerLease.__table__
            with self.engine.begin() as conn:
                conn.execute(
                    delete(table)
                    .where(table.c.name == LEASE_NAME)
                    .where(table.c.holder == self.holder)
                )
            self.held = False


def make_lock(app, engine):
    if engine.dialect.name == "postgresql":
        return PostgresLock(engine.url.render_as_string(hide_password=False))
    return LeaseLock(engine, int(app.config["SCHEDULER_LEASE_SECONDS"]))


def acquire(lock, wait: bool = False, poll_seconds: float = 5.0) -> bool:
    """Take the lock; with ``wait``, keep trying until it is free."""
    while True:
        if lock.try_acquire():
            return True
        if not wait:
            return False
        time.sleep(poll_seconds)
