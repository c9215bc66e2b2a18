"""A database that accepts connections and never answers must not freeze the site."""

from __future__ import annotations

import os
import socket
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from exchange import create_app
from exchange.extensions import db


@pytest.fixture
def silent_server():
    """A socket that accepts and never replies (a hung PostgreSQL)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_healthz_says_503_at_once_when_the_database_hangs(silent_server):
    """The 503 comes from the health check's own timeout (the check still hangs on its thread,
    so the next call answers "pending" at once), never from a request left to hang; how long it
    takes is make bench-faults' figure."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{silent_server}/bursa"
    app = create_app("testing", DATABASE_URL=url, DB_CONNECT_TIMEOUT=2)
    client = app.test_client()
    first = client.get("/healthz")
    second = client.get("/healthz")  # the first check still hangs: answers at once too
    assert first.status_code == second.status_code == 503
    assert first.get_json() == {"status": "unavailable", "reason": "timeout"}
    assert second.get_json() == {"status": "unavailable", "reason": "pending"}


def test_postgresql_connections_carry_connect_and_statement_timeouts():
    app = create_app(
        "testing", DATABASE_URL="postgresql+psycopg://u@127.0.0.1/x", DB_STATEMENT_TIMEOUT_MS=1234
    )
    args = app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]
    assert args["connect_timeout"] == app.config["DB_CONNECT_TIMEOUT"]
    assert args["options"].startswith("-c statement_timeout=1234 -c lock_timeout=")
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True


@pytest.mark.skipif(
    not os.environ.get("EXCHANGE_TEST_DATABASE_URL"), reason="PostgreSQL only (statement_timeout)"
)
def test_a_long_statement_is_cancelled_on_postgresql():
    app = create_app(
        "testing",
        DATABASE_URL=os.environ["EXCHANGE_TEST_DATABASE_URL"],
        DB_STATEMENT_TIMEOUT_MS=200,
    )
    with app.app_context():
        with pytest.raises(OperationalError, match="statement timeout"):
            db.session.execute(text("SELECT pg_sleep(3)"))
        db.session.rollback()
        db.engine.dispose()


def test_sql_errors_in_logs_do_not_show_the_values(app):
    from sqlalchemy.exc import IntegrityError

    from exchange.auth.models import User
    from tests.factories import make_user

    with app.app_context():
        user = make_user()
        twin = User(email=user.email, name="x", password_hash="scrypt:SECRET-HASH", role="manager")
        db.session.add(twin)
        with pytest.raises(IntegrityError) as error:
            db.session.commit()
        db.session.rollback()
    assert "SECRET-HASH" not in str(error.value)
    assert "hidden due to hide_parameters" in str(error.value)
