"""Fixtures in the shape of the flaskr tutorial: app, client, runner, auth.

The suite runs on SQLite by default and on PostgreSQL when EXCHANGE_TEST_DATABASE_URL is set
(``make test`` does both). One app per test session; every test starts from an empty database
holding only the reference data (regencies and commodities).
"""

from __future__ import annotations

import os
import zlib
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from exchange import clock, create_app
from exchange.extensions import db
from tests import share
from tests.dbreset import Resetter
from tests.depth import DEEP
from tests.pgcheck import ensure_database

TEST_PASSWORD = "rahasia-sekali-123"

# pytest-xdist: each worker process has a PostgreSQL database of its own (test_gw0, test_gw1, ...),
# set here so that every test reading the variable sees its worker's database. (SQLite files
# live in each worker's own temporary folder.)
if (_worker := os.environ.get("PYTEST_XDIST_WORKER")) and os.environ.get(
    "EXCHANGE_TEST_DATABASE_URL"
):
    _url = make_url(os.environ["EXCHANGE_TEST_DATABASE_URL"])
    os.environ["EXCHANGE_TEST_DATABASE_URL"] = _url.set(
        database=f"{_url.database}_{_worker}"
    ).render_as_string(hide_password=False)
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


# The moments a date-sensitive test also lives at (``@pytest.mark.clocks``, or ``pytestmark`` in
# its module), the clock running on from there. They are the days the app's dates go wrong on:
# the last day of a month, late evening in WIB (23:30 WIB is 16:30 UTC: the UTC date is a day
# behind), the first hour of a year (the UTC year is the old one) and the leap day.
#
# Each such test runs on the real clock and from two of the four moments in the SQLite run and
# from the other two in the PostgreSQL run (which two turns with the test's name), so make test
# lives every test at every moment and each database at every moment, in 3/5 of the runs a full
# cross product takes. EXCHANGE_TEST_ALL_CLOCKS=1 runs every marked test from all four.
CLOCKS = {
    "month-end": datetime(2027, 4, 30, 10, 0, tzinfo=clock.WIB),
    "wib-2330": datetime(2027, 6, 15, 23, 30, tzinfo=clock.WIB),
    "new-year": datetime(2028, 1, 1, 0, 30, tzinfo=clock.WIB),
    "leap-day": datetime(2028, 2, 29, 9, 0, tzinfo=clock.WIB),
}
# EXCHANGE_TEST_CLOCK=<name> runs the WHOLE suite from that moment (marked tests once).
SUITE_CLOCK = os.environ.get("EXCHANGE_TEST_CLOCK") or None
if SUITE_CLOCK not in (None, *CLOCKS):
    raise SystemExit(f"EXCHANGE_TEST_CLOCK must be one of {', '.join(CLOCKS)}")
ALL_CLOCKS = os.environ.get("EXCHANGE_TEST_ALL_CLOCKS", "") not in ("", "0")


def clocks_of(nodeid: str) -> list[str]:
    """The moments a clocks-marked test lives at in this run (beside the real clock)."""
    names = list(CLOCKS)
    if ALL_CLOCKS:
        return names
    first = zlib.crc32(nodeid.encode()) % 4 + (
        2 if os.environ.get("EXCHANGE_TEST_DATABASE_URL") else 0
    )
    return sorted({names[first % 4], names[(first + 1) % 4]}, key=names.index)


# Property tests without a count of their own: a small one in make test, a large one in make
# test-deep (tests/depth.py); every property test is marked deep, so make test-deep runs it.
hypothesis_settings.register_profile("quick", max_examples=30)
hypothesis_settings.register_profile("deep", max_examples=300)
hypothesis_settings.load_profile("deep" if DEEP else "quick")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.deep)
    if os.environ.get("EXCHANGE_TEST_DATABASE_ONLY") and os.environ.get(
        "EXCHANGE_TEST_DATABASE_URL"
    ):
        _only_the_database_tests(config, items)
    if share.SHARING:
        _shared_out_tests(config, items)
    # The long tests first (a stable sort: the rest keep their order). pytest-xdist hands tests
    # out in this order, so the workers end together on short tests instead of one worker
    # finishing a crawl of a minute while the other waits.
    items.sort(
        key=lambda item: not (item.get_closest_marker("slow") or item.get_closest_marker("browser"))
    )


def _only_the_database_tests(config, items) -> None:
    """``make test-pg``: the tests that reach a database. A test that uses no database fixture
    and whose module does not read EXCHANGE_TEST_DATABASE_URL (subprocesses, proxies) answers
    the same on any database: the SQLite run has run it, so the PostgreSQL run leaves it out."""
    reads_the_url: dict[str, bool] = {}

    def reaches_a_database(item) -> bool:
        if "database_url" in getattr(item, "fixturenames", ()):
            return True
        path = str(item.path)
        if path not in reads_the_url:
            reads_the_url[path] = "EXCHANGE_TEST_DATABASE_URL" in item.path.read_text("utf-8")
        return reads_the_url[path]

    kept = [item for item in items if reaches_a_database(item)]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if not reaches_a_database(i)])
        items[:] = kept


def _shared_out_tests(config, items) -> None:
    """``make test`` with both databases: a test marked ``shared_out`` runs in one of the two
    runs (tests/share.py). Its frozen-clock cases are shared out by the clocks already (each
    moment lives in one run), so only its real-clock case is shared out here."""

    def runs_here(item) -> bool:
        if item.get_closest_marker("shared_out") is None:
            return True
        moment = getattr(getattr(item, "callspec", None), "params", {}).get("test_clock")
        if moment not in (None, "real"):
            return True
        return share.in_this_run(item.nodeid)

    kept = [item for item in items if runs_here(item)]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if not runs_here(i)])
        items[:] = kept


def pytest_report_header(config):
    clock_label = SUITE_CLOCK and f"{SUITE_CLOCK} ({CLOCKS[SUITE_CLOCK].isoformat()})"
    return [
        f"database: {_database_label()}",
        f"clock: {clock_label or 'real; tests marked clocks also at ' + _moments()}",
        "shared out with the other database's run (tests/share.py): "
        + (
            "yes, half of the crawled pages and of the tests marked shared_out"
            if share.SHARING
            else "no"
        ),
    ]


def _moments() -> str:
    if ALL_CLOCKS:
        return ", ".join(CLOCKS)
    return "two of " + ", ".join(CLOCKS) + " each (EXCHANGE_TEST_ALL_CLOCKS=1: all four)"


def pytest_generate_tests(metafunc):
    if SUITE_CLOCK is None and metafunc.definition.get_closest_marker("clocks"):
        metafunc.parametrize(
            "test_clock", ["real", *clocks_of(metafunc.definition.nodeid)], indirect=True
        )


@pytest.fixture(autouse=True)
def test_clock(request):
    """The moment the test lives at: the real clock, or one of CLOCKS (the clock runs on)."""
    name = getattr(request, "param", None) or SUITE_CLOCK or "real"
    if name == "real":
        yield name
        return
    with clock.starting_at(CLOCKS[name]):
        yield name


def _database_label() -> str:
    url = os.environ.get("EXCHANGE_TEST_DATABASE_URL")
    return "PostgreSQL " + make_url(url).render_as_string(hide_password=True) if url else "SQLite"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("EXCHANGE_TEST_DATABASE_URL")
    if url:
        ensure_database(url, for_tests=True)
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
        _commits_do_not_wait_for_the_disk(db.engine)
        _drop_everything()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _commits_do_not_wait_for_the_disk(engine) -> None:
    """The SQLite file of a test run: a COMMIT does not wait for the disk (``PRAGMA synchronous
    = OFF``), as PostgreSQL's test databases run ``synchronous_commit`` off (tests/pgcheck.py).
    Every connection still sees every commit, locking is unchanged, and a killed process loses
    nothing; only a power cut could. Subprocesses the tests start keep SQLite's default."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _no_sync(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA synchronous = OFF")

    engine.dispose()


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


_resetter: Resetter | None = None


def reset_database() -> None:
    """Empty every table, then load the reference data (tests/dbreset.py: only what changed)."""
    global _resetter
    if _resetter is None:
        _resetter = Resetter()
    _resetter.reset()


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
