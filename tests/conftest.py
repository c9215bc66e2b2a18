"""Fixtures in the shape of the flaskr tutorial: app, client, runner, auth.

The suite runs on SQLite by default and on PostgreSQL when EXCHANGE_TEST_DATABASE_URL is set
(``make test`` does both). One app per test session; every test starts from an empty database
holding only the reference data (regencies and commodities).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from exchange import create_app
from exchange.extensions import db
from tests.pgcheck import ensure_database

TEST_PASSWORD = "rahasia-sekali-123"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def pytest_report_header(config):
    return f"database: {_database_label()}"


def _database_label() -> str:
    url = os.environ.get("EXCHANGE_TEST_DATABASE_URL")
    return "PostgreSQL " + make_url(url).render_as_string(hide_password=True) if url else "SQLite"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("EXCHANGE_TEST_DATABASE_URL")
    if url:
        ensure_database(url)
        return url
    # A file, not :memory:, so that concurrent connections see one database.
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    app = create_app(
        "testing",
        DATABASE_URL=database_url,
        WTF_CSRF_ENABLED=False,
        MAIL_FILE_DIR=str(tmp_path_factory.mktemp("outbox")),
    )
    with app.app_context():
        _drop_everything()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _drop_everything():
    """Start from nothing, whatever an earlier run left behind.

    ``drop_all`` only knows today's models: on a database left at an older schema (a table
    without a constraint the models now name, CI's database after an earlier revision) it fails.
    PostgreSQL drops the whole schema instead; SQLite's file is new for every session.
    """
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            db.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def reset_database() -> None:
    """Empty every table, then load the reference data."""
    from exchange.catalogue.reference import load_reference_data

    db.session.remove()
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
    load_reference_data()
    db.session.remove()


@pytest.fixture
def app(_app):
    saved = dict(_app.config)
    with _app.app_context():
        reset_database()
    yield _app
    _app.config.clear()
    _app.config.update(saved)
    with _app.app_context():
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, user_or_email, password: str = TEST_PASSWORD, follow_redirects=False):
        email = getattr(user_or_email, "email", user_or_email)
        return self._client.post(
            "/akun/masuk",
            data={"email": email, "password": password},
            follow_redirects=follow_redirects,
        )

    def logout(self):
        return self._client.post("/akun/keluar")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def csrf_on(app):
    """Turn CSRF protection on for one test (it is off for the rest of the suite)."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


# Browser fixtures (page, live_url) live in tests/browser.py.
pytest_plugins = ["tests.browser"]
