"""A read replica that does not answer, or lags too far: the listed reads answer from the
primary (exchange/site/replica_health.py). Runs on SQLite and PostgreSQL primaries alike; the
unreachable replica is a PostgreSQL address where nothing listens."""

from __future__ import annotations

import logging
import socket

import pytest
from sqlalchemy import text, update

from exchange import create_app
from exchange.api.scopes import Scope
from exchange.api.tokens import create_token
from exchange.extensions import db
from exchange.listings.models import Listing
from exchange.replica_policy import ReplicaState
from exchange.site import replica_health
from exchange.site.outage import BoundedConnection
from tests.factories import make_listing, make_manager, make_staff
from tests.site.test_replica_reads import PRIMARY_PRICE, REPLICA_PRICE, _clone, _replica_url


def _closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def primary(app):
    with app.app_context():
        owner = make_manager()
        make_listing(owner.pesantren, price=PRIMARY_PRICE)
        staff = make_staff()
        _token, secret = create_token(owner, "replika", [Scope.READ, Scope.LISTINGS])
        db.session.commit()
        return {"secret": secret, "staff": staff.email}


def _routed(database_url, replica_url, tmp_path, **settings):
    return create_app(
        "testing",
        DATABASE_URL=database_url,
        DATABASE_REPLICA_URL=replica_url,
        WTF_CSRF_ENABLED=False,
        MAIL_FILE_DIR=str(tmp_path / "outbox"),
        **settings,
    )


def _dispose(routed):
    with routed.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def _attempts(monkeypatch, port: int) -> list[int]:
    """Counts the connection attempts to ``port`` (psycopg's connect, as the app makes it)."""
    count = [0]
    original = BoundedConnection.connect.__func__

    def connect(cls, *args, **kwargs):
        if str(kwargs.get("port")) == str(port):
            count[0] += 1
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(BoundedConnection, "connect", classmethod(connect))
    return count


def test_an_unreachable_replica_leaves_the_reads_on_the_primary(
    primary, database_url, tmp_path, caplog, monkeypatch
):
    port = _closed_port()
    dead = f"postgresql+psycopg://postgres@127.0.0.1:{port}/nowhere"
    routed = _routed(database_url, dead, tmp_path, REPLICA_RETRY_SECONDS=3600)
    attempts = _attempts(monkeypatch, port)
    client = routed.test_client()
    try:
        with caplog.at_level(logging.ERROR):
            market = client.get("/pasar")
            assert market.status_code == 200
            assert "1.500" in market.get_data(as_text=True)
            api = client.get(
                "/api/v1/listings", headers={"Authorization": f"Bearer {primary['secret']}"}
            )
            assert api.status_code == 200, api.get_data(as_text=True)
            assert [item["price"] for item in api.get_json()["items"]] == [PRIMARY_PRICE]
            assert client.get("/").status_code == 200
        # Tried once; within the back-off the replica is not tried again; said once.
        assert attempts[0] >= 1
        tried = attempts[0]
        assert client.get("/pasar").status_code == 200
        assert attempts[0] == tried
        said = [r for r in caplog.records if "replica unreachable" in r.getMessage()]
        assert len(said) == 1
        # The database is not marked unavailable: writes' pages keep answering.
        assert "X-Unavailable" not in client.get("/pasar").headers
        with routed.app_context():
            assert replica_health.state(routed).down
        # The back-off over: the next read tries the replica again (still down: the primary).
        later = replica_health._clock() + 3601
        monkeypatch.setattr(replica_health, "_clock", lambda: later)
        assert client.get("/pasar").status_code == 200
        assert attempts[0] > tried
    finally:
        _dispose(routed)


@pytest.fixture
def replica(app, primary, database_url, tmp_path):
    """A working replica (a copy of the primary) that shows another price."""
    replica_url = _replica_url(database_url, tmp_path)
    with app.app_context():
        engine = _clone(db.engine, replica_url)
    with engine.begin() as conn:
        conn.execute(update(Listing).values(price=REPLICA_PRICE))
    yield replica_url
    engine.dispose()


def test_a_replica_that_answers_again_after_its_retry_is_read_again(
    replica, database_url, tmp_path, caplog
):
    routed = _routed(database_url, replica, tmp_path, REPLICA_RETRY_SECONDS=3600)
    client = routed.test_client()
    try:
        with routed.app_context():  # it was down a moment ago, and its retry is not due
            holder = replica_health._holder(routed)
            holder.state = ReplicaState(down_since=0.0, retry_at=float("inf"))
        assert "1.500" in client.get("/pasar").get_data(as_text=True)
        holder.state = ReplicaState(down_since=0.0, retry_at=0.0)  # the retry is due
        with caplog.at_level(logging.WARNING):
            assert "7.777" in client.get("/pasar").get_data(as_text=True)
        assert any("answers again" in r.getMessage() for r in caplog.records)
    finally:
        _dispose(routed)


def test_a_replica_lagging_over_the_limit_leaves_the_reads_on_the_primary(
    replica, database_url, tmp_path, monkeypatch, caplog
):
    lag = {"seconds": 120}

    def measured_lag(connection):  # a real query on the replica's connection
        return connection.execute(text(f"SELECT {lag['seconds']}")).scalar()

    monkeypatch.setattr(replica_health, "_lag", measured_lag)
    routed = _routed(
        database_url,
        replica,
        tmp_path,
        REPLICA_MAX_LAG_SECONDS=30,
        REPLICA_LAG_CHECK_SECONDS=0,
        METRICS_TOKEN="scrape",  # noqa: S106 - a test token
    )
    client = routed.test_client()
    try:
        with caplog.at_level(logging.WARNING):
            market = client.get("/pasar").get_data(as_text=True)
        assert "1.500" in market and "7.777" not in market
        assert any("lags 120.0 s" in r.getMessage() for r in caplog.records)
        metrics = client.get("/metrics", headers={"Authorization": "Bearer scrape"})
        body = metrics.get_data(as_text=True)
        assert "exchange_replica_lag_seconds 120.0" in body
        assert "exchange_replica_in_use 0.0" in body
        # Caught up: the next measurement sends the reads back to the replica.
        lag["seconds"] = 1
        market = client.get("/pasar").get_data(as_text=True)
        assert "7.777" in market and "1.500" not in market
    finally:
        _dispose(routed)


def test_the_lag_of_a_primary_standing_in_is_none(replica, database_url, tmp_path):
    """The lag query itself, on a database that is no standby: no lag, reads on the replica."""
    routed = _routed(database_url, replica, tmp_path, REPLICA_MAX_LAG_SECONDS=0)
    try:
        assert "7.777" in routed.test_client().get("/pasar").get_data(as_text=True)
        with routed.app_context():
            assert replica_health.state(routed).lag_seconds == 0.0
    finally:
        _dispose(routed)


def _after_open(monkeypatch, then):
    """Runs ``then(replica_connection)`` right after the routed view took its replica
    connection, before the view's own reads: a failure half-way through the view."""
    from exchange.routing import REPLICA
    from exchange.site import replica_reads

    original = replica_reads.open_replica

    def open_then(*args, **kwargs):
        taken = original(*args, **kwargs)
        if taken:
            then(db.session.connection(bind_arguments={"bind": db.engines[REPLICA]}))
        return taken

    monkeypatch.setattr(replica_reads, "open_replica", open_then)


@pytest.fixture
def replica_admin(replica, database_url):
    """A connection source of its own to the PostgreSQL replica, to fail the app's sessions."""
    if not database_url.startswith("postgresql"):
        pytest.skip("a server-side failure of the replica's connection needs PostgreSQL")
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    admin = create_engine(replica, poolclass=NullPool)
    yield admin
    admin.dispose()


def test_a_replica_connection_dropped_mid_read_answers_from_the_primary(
    primary, replica, replica_admin, database_url, tmp_path, monkeypatch, caplog
):
    def drop(connection):  # the server ends the session, as a restart or failover does
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        with replica_admin.connect() as other:
            assert other.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()

    routed = _routed(database_url, replica, tmp_path, REPLICA_RETRY_SECONDS=3600)
    client = routed.test_client()
    try:
        with monkeypatch.context() as patch:
            _after_open(patch, drop)
            with caplog.at_level(logging.ERROR):
                market = client.get("/pasar")
            api = client.get(
                "/api/v1/listings", headers={"Authorization": f"Bearer {primary['secret']}"}
            )
        assert market.status_code == 200
        page = market.get_data(as_text=True)
        assert "1.500" in page and "7.777" not in page
        assert "X-Unavailable" not in market.headers
        assert any("replica unreachable" in r.getMessage() for r in caplog.records)
        with routed.app_context():
            assert replica_health.state(routed).down
        # Down: the next reads go to the primary without trying the replica.
        assert api.status_code == 200, api.get_data(as_text=True)
        assert [item["price"] for item in api.get_json()["items"]] == [PRIMARY_PRICE]
    finally:
        _dispose(routed)


def test_a_replica_statement_cancelled_mid_read_answers_from_the_primary(
    replica, replica_admin, database_url, tmp_path, monkeypatch, caplog
):
    """A standby cancels a read (a conflict with recovery, a lock it waits for): the view runs
    again on the primary, and the replica stays in use for the next read."""
    holder = replica_admin.connect()
    holder.execute(text("LOCK TABLE listings IN ACCESS EXCLUSIVE MODE"))  # held until closed

    def impatient(connection):
        connection.execute(text("SET lock_timeout = '100ms'"))

    routed = _routed(database_url, replica, tmp_path)
    client = routed.test_client()
    try:
        with monkeypatch.context() as patch:
            _after_open(patch, impatient)
            with caplog.at_level(logging.WARNING):
                market = client.get("/pasar")
        assert market.status_code == 200
        page = market.get_data(as_text=True)
        assert "1.500" in page and "7.777" not in page
        assert any("read on the replica failed" in r.getMessage() for r in caplog.records)
        with routed.app_context():
            assert not replica_health.state(routed).down
        holder.close()  # the lock goes: the replica answers the next read
        assert "7.777" in client.get("/pasar").get_data(as_text=True)
    finally:
        holder.close()
        _dispose(routed)
