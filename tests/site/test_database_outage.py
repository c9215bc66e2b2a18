"""A frozen or stopped database: the app's own 503, quickly, in the reader's language, and one
log line per incident (issue 23).

The app talks to the test PostgreSQL through a relay (``pgproxy.PgProxy``) that can freeze
(connections stay open, nothing is answered: a SIGSTOPped server as the app sees it) or stop
(connections closed, new ones refused). ``test_faults_under_gunicorn.py`` does the same to a
real second cluster under load.
"""

from __future__ import annotations

import logging
import os
import time

import pytest
from sqlalchemy.engine import make_url

from exchange import create_app
from exchange.site.outage import _marker
from tests.conftest import TEST_PASSWORD
from tests.factories import make_listing, make_manager
from tests.site.pgproxy import PgProxy

pytestmark = pytest.mark.skipif(
    not os.environ.get("EXCHANGE_TEST_DATABASE_URL"), reason="PostgreSQL only (a relay to it)"
)
WAIT = 1.0


@pytest.fixture
def proxied(app, database_url):
    """A second app on the same database, through the relay; a manager with a listing."""
    with app.app_context():
        manager = make_manager()
        listing = make_listing(manager.pesantren)
        email, listing_id = manager.email, listing.id
    url = make_url(database_url)
    proxy = PgProxy(url.host or "127.0.0.1", url.port or 5432)
    relayed = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    outage_app = create_app(
        "testing",
        DATABASE_URL=relayed,
        DB_WAIT_TIMEOUT_SECONDS=WAIT,
        DB_RETRY_SECONDS=0.3,
        WTF_CSRF_ENABLED=False,
    )
    yield outage_app, proxy, email, listing_id
    proxy.frozen.clear()
    proxy.stopped.set()
    with outage_app.app_context():
        from exchange.extensions import db

        db.engine.dispose()
    proxy.close()
    _marker(outage_app).unlink(missing_ok=True)  # an incident left open by the test


def _timed(client, path, **kw):
    started = time.monotonic()
    response = client.get(path, **kw)
    response.get_data()
    return response, time.monotonic() - started


def _until_ok(client, path, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = client.get(path)
        if response.status_code == 200:
            return response
        time.sleep(0.1)
    raise AssertionError(f"{path} still answers {response.status_code}")


def _lines(caplog, text):
    return [r for r in caplog.records if text in r.getMessage()]


def test_a_frozen_database_answers_the_503_page_from_the_timeout_path(proxied, caplog):
    app, proxy, email, listing_id = proxied
    caplog.set_level(logging.INFO)
    client = app.test_client()
    assert (
        client.post("/akun/masuk", data={"email": email, "password": TEST_PASSWORD}).status_code
        == 302
    )
    assert client.get("/dasbor").status_code == 200  # the pool holds a live connection now

    proxy.frozen.set()
    first, took = _timed(client, "/dasbor")
    assert first.status_code == 503
    assert first.headers["X-Unavailable"] == "timeout"  # this request waited out its deadline
    assert WAIT <= took < WAIT + 4  # the deadline, plus at most one connect attempt
    body = first.get_data(as_text=True)
    assert "Layanan sementara tidak tersedia" in body  # the app's own page, in Indonesian
    assert first.headers["Retry-After"]

    again, took = _timed(client, f"/pasar/{listing_id}")
    assert again.status_code == 503 and again.headers["X-Unavailable"] == "known"
    assert took < 0.5  # known to be away: no wait at all

    api, _ = _timed(client, "/api/v1/market", headers={"Accept-Language": "en"})
    assert api.status_code == 503
    assert api.mimetype == "application/problem+json"
    assert api.get_json()["title"] == "Service temporarily unavailable"

    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["reason"] in ("timeout", "pending")

    proxy.frozen.clear()
    assert "Pasar" in _until_ok(client, "/pasar").get_data(as_text=True)
    assert client.get("/dasbor").status_code == 200  # still signed in
    assert len(_lines(caplog, "database unavailable (timeout)")) == 1
    assert len(_lines(caplog, "database answers again")) == 1
    assert not [r for r in caplog.records if r.exc_info]  # no traceback


def test_a_stopped_database_answers_503_without_tracebacks_and_comes_back(proxied, caplog):
    app, proxy, _email, _listing = proxied
    caplog.set_level(logging.INFO)
    client = app.test_client()
    assert client.get("/").status_code == 200
    proxy.stopped.set()
    codes = []
    for path in ("/", "/pasar", "/pesantren", "/akun/masuk", "/pasar", "/"):
        response, took = _timed(client, path)
        codes.append((response.status_code, response.headers.get("X-Unavailable")))
        assert took < WAIT + 3
    assert codes[0] == (503, "down")
    assert {code for code, _ in codes} == {503}
    proxy.stopped.clear()
    _until_ok(client, "/pasar")
    assert len(_lines(caplog, "database unavailable (down)")) == 1
    assert not [r for r in caplog.records if r.exc_info]


def test_the_503_page_speaks_the_readers_language(proxied):
    app, proxy, _email, _listing = proxied
    client = app.test_client()
    client.set_cookie("lang", "en")
    proxy.stopped.set()
    response = client.get("/pasar")
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "Service temporarily unavailable" in body
    assert '<html lang="en">' in body
