"""One scheduler at a time: the lock on each database, and a second process that exits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from exchange.db import utcnow
from exchange.extensions import db
from exchange.scheduler.lock import LeaseLock, PostgresLock, make_lock
from exchange.scheduler.models import SchedulerLease

ROOT = Path(__file__).resolve().parents[2]


def on_postgres(app) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


def test_the_lock_matches_the_database(app):
    with app.app_context():
        lock = make_lock(app, db.engine)
        expected = PostgresLock if db.engine.dialect.name == "postgresql" else LeaseLock
        assert isinstance(lock, expected)
        if isinstance(lock, PostgresLock):
            lock.engine.dispose()


def test_sqlite_lease_one_holder_at_a_time(app):
    if on_postgres(app):
        pytest.skip("the lease is the SQLite lock; PostgreSQL uses the advisory lock")
    with app.app_context():
        first, second = LeaseLock(db.engine, 60), LeaseLock(db.engine, 60)
        assert first.try_acquire()
        assert not second.try_acquire()
        assert first.renew()
        first.release()
        assert second.try_acquire()
        assert not first.try_acquire()
        second.release()


def test_sqlite_lease_of_a_dead_scheduler_runs_out(app):
    if on_postgres(app):
        pytest.skip("the lease is the SQLite lock; PostgreSQL uses the advisory lock")
    with app.app_context():
        dead, alive = LeaseLock(db.engine, 60), LeaseLock(db.engine, 60)
        assert dead.try_acquire()
        assert not alive.try_acquire()
        db.session.execute(
            update(SchedulerLease).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
        assert alive.try_acquire()
        assert not dead.renew()  # the old holder notices it lost the lease
        alive.release()


def test_postgres_advisory_lock_one_holder_at_a_time(app):
    if not on_postgres(app):
        pytest.skip("PostgreSQL only (run the suite with EXCHANGE_TEST_DATABASE_URL)")
    with app.app_context():
        url = db.engine.url.render_as_string(hide_password=False)
    first, second = PostgresLock(url), PostgresLock(url)
    try:
        assert first.try_acquire()
        assert not second.try_acquire()
        assert first.renew()
        first.conn.invalidate()  # the process died: its connection closes
        first.conn = None
        deadline = time.monotonic() + 5
        while not second.try_acquire():
            assert time.monotonic() < deadline, "lock not freed by the dead connection"
            time.sleep(0.1)
    finally:
        first.release()
        second.release()


def _scheduler(database_url, *extra):
    env = {
        **os.environ,
        "EXCHANGE_ENV": "testing",
        "EXCHANGE_DATABASE_URL": database_url,
        "EXCHANGE_SCHEDULER_LEASE_SECONDS": "3",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "exchange", "scheduler", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for(proc, text, timeout=20.0) -> str:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        seen.append(line)
        if text in line:
            return "".join(seen)
    raise AssertionError(f"{text!r} not printed; output was:\n{''.join(seen)}")


@pytest.mark.slow
def test_a_second_scheduler_exits_and_a_waiting_one_takes_over(app, database_url):
    first = _scheduler(database_url)
    waiting = None
    try:
        _wait_for(first, "scheduler started")
        second = _scheduler(database_url)
        out, _ = second.communicate(timeout=30)
        assert second.returncode != 0
        assert "another scheduler is already running" in out
        waiting = _scheduler(database_url, "--wait")
        time.sleep(1.5)
        assert waiting.poll() is None  # still waiting
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=20)
        _wait_for(waiting, "scheduler started")
    finally:
        for proc in (first, waiting):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=20)
