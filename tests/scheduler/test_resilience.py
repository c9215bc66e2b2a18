"""The scheduler survives a database blip and catches up the digests it missed while down."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select, text

from exchange.clock import WIB
from exchange.digests.models import DigestRecord
from exchange.extensions import db
from exchange.scheduler.lock import PostgresLock
from exchange.scheduler.runner import catch_up, missed_digest_runs
from tests.factories import make_listing, make_manager


def test_a_restart_after_digest_time_catches_up_without_duplicates(app):
    with app.app_context():
        user = make_manager()
        make_listing(user.pesantren, start=date(2027, 1, 1), days=5)
        # Down from 05:50 to 06:30 on Monday 4 January: the 06:00 runs never fired.
        restart = datetime(2027, 1, 4, 6, 30, tzinfo=WIB)
        assert ("daily", datetime(2027, 1, 4, 6, 0, tzinfo=WIB)) in missed_digest_runs(app, restart)
        made = catch_up(app, restart)
        assert ("daily", "2027-01-04T06:00:00+07:00") in made
        assert catch_up(app, restart.replace(minute=45)) == [
            r for r in made if r[0] != "daily"
        ]  # nothing daily twice (weekly had no readers, so it may run again, harmlessly)
        count = db.session.scalar(
            select(func.count()).select_from(DigestRecord).where(DigestRecord.period == "daily")
        )
        assert count == 1


def test_before_digest_time_nothing_is_missed(app):
    with app.app_context():
        early = datetime(2027, 1, 4, 5, 59, tzinfo=WIB)
        yesterday = missed_digest_runs(app, early)
        # yesterday's 06:00 run counts as missed only if it left nothing behind
        assert all(moment < early for _period, moment in yesterday)


def _pg(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only (the advisory lock)")
        return db.engine.url.render_as_string(hide_password=False)


def _kill_backends_of(app, lock):
    pid = lock.conn.execute(text("SELECT pg_backend_pid()")).scalar()
    lock.conn.commit()
    with app.app_context():
        db.session.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        db.session.commit()


def test_the_advisory_lock_is_taken_again_after_a_database_blip(app):
    url = _pg(app)
    lock = PostgresLock(url)
    assert lock.try_acquire()
    try:
        _kill_backends_of(app, lock)  # what a PostgreSQL restart does to the connection
        assert lock.renew() is True  # a new connection, the lock again: no exit
        assert lock.held
    finally:
        lock.release()


def test_another_scheduler_that_took_the_lock_meanwhile_wins(app):
    url = _pg(app)
    mine, other = PostgresLock(url), PostgresLock(url)
    assert mine.try_acquire()
    try:
        _kill_backends_of(app, mine)
        assert other.try_acquire()
        assert mine.renew() is False
    finally:
        mine.release()
        other.release()


def test_an_unreachable_database_means_try_again_not_stop():
    lock = PostgresLock("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=1")
    assert lock.renew() is None
    lock.release()


def test_the_hourly_expiry_prunes_ended_attempt_counters(app):
    from datetime import timedelta

    from exchange.auth import throttle
    from exchange.db import utcnow
    from exchange.scheduler.jobs import expire

    with app.app_context():
        now = utcnow()
        throttle.hit("login-client", "203.0.113.1", 60, now - timedelta(hours=2))
        throttle.hit("login-client", "203.0.113.1", 3600, now)
        assert expire(now=now)["throttles"] == 1
        assert db.session.scalar(select(func.count()).select_from(throttle.Throttle)) == 1
