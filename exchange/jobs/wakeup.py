"""Idle workers wake on new work (PostgreSQL): a transaction that queues tasks also says
``NOTIFY exchange_jobs``, which the server delivers at its commit (and never if it rolls back);
an idle worker waits on a ``LISTEN exchange_jobs`` connection of its own for such a
notification, or for the poll interval, whichever comes first. Elsewhere (SQLite) an idle
worker sleeps the poll interval, as before.

No wake-up is lost: the worker listens before it first looks for a task, and notifications
that arrive while it works are kept by its connection until the next wait.
"""

from __future__ import annotations

import logging
import time

import psycopg
from flask import current_app
from sqlalchemy import text

from exchange.extensions import db

log = logging.getLogger(__name__)

CHANNEL = "exchange_jobs"


def announce() -> None:
    """Inside a transaction that queues tasks: wake idle workers when it commits."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(f"NOTIFY {CHANNEL}"))


def _listen() -> psycopg.Connection:
    """A plain psycopg connection (not the pool's: the app's connections end every wait at a
    request's deadline) in autocommit, listening."""
    engine = db.engine
    args, params = engine.dialect.create_connect_args(engine.url)
    params.pop("context", None)
    params.update(current_app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("connect_args", {}))
    conn = psycopg.Connection.connect(*args, autocommit=True, **params)
    conn.execute(f"LISTEN {CHANNEL}")
    return conn


#: A waiting worker looks at its stop event this often (SIGTERM ends a long idle wait).
STOP_CHECK_SECONDS = 1.0


class Waiter:
    """An idle worker's wait. Made before the worker first looks for a task; ``close()`` at
    its end. ``stop`` (a ``threading.Event``) cuts a wait short."""

    def __init__(self, stop=None) -> None:
        self.stop = stop
        self.postgresql = db.engine.dialect.name == "postgresql"
        self.conn: psycopg.Connection | None = None
        if self.postgresql:
            self._connect()

    def _connect(self) -> None:
        try:
            self.conn = _listen()
        except psycopg.Error:
            log.warning("jobs: LISTEN failed; idle workers poll until it works", exc_info=True)
            self.conn = None

    def wait(self, timeout: float) -> bool:
        """Up to ``timeout`` seconds (less once ``stop`` is set); True when a notification
        woke it."""
        if self.postgresql and self.conn is None:
            self._connect()  # lost earlier: a notification may have been missed meanwhile,
            if self.conn is not None:  # so look for tasks at once
                return True
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0 or (self.stop is not None and self.stop.is_set()):
                return False
            if self._wait_once(min(left, STOP_CHECK_SECONDS)):
                return True

    def _wait_once(self, timeout: float) -> bool:
        if self.conn is None:
            time.sleep(timeout)
            return False
        try:
            for _notify in self.conn.notifies(timeout=timeout, stop_after=1):
                return True
        except psycopg.Error:
            log.warning("jobs: the LISTEN connection was lost", exc_info=True)
            self.close()
            time.sleep(timeout)
        return False

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            finally:
                self.conn = None
