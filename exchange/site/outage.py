"""A hung or stopped database: every request answers the app's own 503 within seconds.

Each layer has its setting (``config.py``):

- **The driver.** In a web request every wait on the server (a statement, a commit, a
  rollback, the pool's ping) is cut after ``DB_WAIT_TIMEOUT_SECONDS``: psycopg connections of
  the class below carry the calling thread's deadline. A SIGSTOPped server still accepts TCP
  and its kernel acknowledges our bytes, so neither ``statement_timeout`` (the server's own
  timer is stopped too) nor TCP keepalives would end such a wait. Connecting gives up after
  ``DB_CONNECT_TIMEOUT``; taking a connection from the pool after ``DB_POOL_TIMEOUT``; inside
  a live server ``lock_timeout`` and ``statement_timeout`` end long waits; TCP keepalives find a
  host that vanished (``app._finish_config``).
- **The request.** Such a failure answers 503 from ``unavailable()``: the page in the reader's
  language (rendered without the database: no navigation, no user), problem+json on ``/api``,
  JSON on ``/healthz``, with ``Retry-After``. The ``X-Unavailable`` header says which path
  answered: ``timeout`` (this request waited out its deadline), ``down`` (the server refused
  or dropped the connection), ``busy`` (a live server ended a statement or a lock wait, or the
  pool had no connection in time), ``known`` (the database was already known to be away).
- **The process.** After ``timeout`` or ``down`` the database is marked unavailable in this
  process: requests answer 503 at once without touching it, while one background check (the
  health check's thread) asks again every ``DB_RETRY_SECONDS`` and clears the mark when the
  database answers.

Logging: one line when an incident starts and one when it ends, whichever gunicorn worker sees
it first (a marker file in the temporary directory, named for the database, decides), never a
traceback per request.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from flask import Flask, Response, current_app, g, jsonify, request
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from exchange.errors import problem
from exchange.extensions import db
from exchange.site.per_process import per_process

_local = threading.local()
UNGUARDED = ("static", "site.healthz")  # no database behind them, or a check of their own
STALE_MARKER_SECONDS = 3600


def wait_timeout() -> float | None:
    """The calling thread's deadline for one wait on the database (None: no deadline)."""
    return getattr(_local, "timeout", None)


class deadline:  # noqa: N801 - used as a context manager, like contextlib's
    """``with deadline(2.0): ...``: this thread's waits on the database give up after 2 s."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds

    def __enter__(self):
        self.saved = wait_timeout()
        _local.timeout = self.seconds

    def __exit__(self, *exc):
        _local.timeout = self.saved


class DatabaseWaitTimeout(psycopg.OperationalError):
    """The server did not answer within the thread's deadline; the connection is closed."""


class BoundedConnection(psycopg.Connection):
    """psycopg's connection whose waits on the server end at the thread's ``wait_timeout()``.

    On expiry the connection is closed (the protocol stopped half-way: it cannot be used
    again), so SQLAlchemy sees a disconnect and drops it from the pool."""

    def wait(self, gen, *args, timeout=None, **kwargs):
        limit = timeout if timeout is not None else wait_timeout()
        if limit is None:
            return super().wait(gen, *args, **kwargs)
        started = time.monotonic()
        try:
            return super().wait(gen, *args, timeout=limit, **kwargs)
        except psycopg.OperationalError as exc:
            if time.monotonic() - started < limit or isinstance(exc, DatabaseWaitTimeout):
                raise
            self.pgconn.finish()
            raise DatabaseWaitTimeout(f"no answer from the database within {limit:g} s") from exc


def _connect(dialect, conn_rec, cargs, cparams):
    if dialect.driver == "psycopg":
        return BoundedConnection.connect(*cargs, **cparams)
    return None  # SQLite and others connect as usual


@dataclass
class _State:
    """This process's view of the database."""

    pid: int
    pool: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="dbcheck")
    )
    lock: threading.RLock = field(default_factory=threading.RLock)  # callbacks may run inline
    down_since: float | None = None
    reason: str = ""
    answered: int = 0
    next_check: float = 0.0
    check: Future | None = None
    check_started: float = 0.0


def _state(app: Flask) -> _State:
    return per_process(app, "outage", _State)


def _ping(app: Flask) -> bool:
    """SELECT 1 within the wait deadline, on the checks' own thread."""
    try:
        wait = deadline(float(app.config["DB_WAIT_TIMEOUT_SECONDS"]))
        with wait, app.app_context(), db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not answering"
        return False


def _start_check(app: Flask, state: _State) -> Future:
    started = time.monotonic()
    future = state.pool.submit(_ping, app)
    state.check, state.check_started = future, started

    def done(f: Future):
        if not f.cancelled() and f.result():
            _recovered(app, state, started)

    future.add_done_callback(done)
    return future


def health(app: Flask) -> tuple[bool, str | None]:
    """The health check: ``(True, None)`` when the database answered within
    ``HEALTH_TIMEOUT_SECONDS``; else ``(False, reason)``: ``pending`` (the last check still
    waits, so no new one is started), ``timeout`` (this one did not answer in time) or
    ``error`` (the database refused)."""
    state = _state(app)
    with state.lock:
        if state.check is not None and not state.check.done():
            return False, "pending"
        check = _start_check(app, state)
    try:
        ok = check.result(timeout=float(app.config["HEALTH_TIMEOUT_SECONDS"]))
    except FutureTimeout:
        return False, "timeout"
    return (True, None) if ok else (False, "error")


def _marker(app: Flask) -> Path:
    url = str(app.config["DATABASE_URL"]).encode()
    name = hashlib.sha256(url).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"exchange-db-unavailable-{name}"


def _first_to_see(marker: Path) -> bool:
    """True for the one process that opens the incident (creates the marker)."""
    for _attempt in range(2):
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            return True
        except FileExistsError:
            try:
                if time.time() - marker.stat().st_mtime < STALE_MARKER_SECONDS:
                    os.utime(marker)  # the incident goes on
                    return False
                marker.unlink()  # left by a process that died during an earlier incident
            except FileNotFoundError:
                continue
    return False


def _trip(app: Flask, reason: str) -> None:
    state = _state(app)
    with state.lock:
        state.answered += 1
        if state.down_since is not None:
            return
        now = time.monotonic()
        state.down_since, state.reason = now, reason
        state.next_check = now + float(app.config["DB_RETRY_SECONDS"])
    if _first_to_see(_marker(app)):
        app.logger.error(
            "database unavailable (%s): answering 503 until it answers again (checked every %s s)",
            reason,
            app.config["DB_RETRY_SECONDS"],
        )


def _recovered(app: Flask, state: _State, check_started: float) -> None:
    with state.lock:
        if state.down_since is None or check_started < state.down_since:
            return
        lasted, answered = time.monotonic() - state.down_since, state.answered
        state.down_since, state.answered = None, 0
    try:
        _marker(app).unlink()
    except FileNotFoundError:
        return  # another worker said it already
    app.logger.warning(
        "database answers again after %.1f s (%d requests answered 503 in process %d)",
        lasted,
        answered,
        os.getpid(),
    )


def _known_down(app: Flask) -> bool:
    state = _state(app)
    with state.lock:
        if state.down_since is None:
            return False
        state.answered += 1
        now = time.monotonic()
        checking = state.check is not None and not state.check.done()
        if not checking and now >= state.next_check:
            state.next_check = now + float(app.config["DB_RETRY_SECONDS"])
            _start_check(app, state)
        return True


def outage_reason(error: Exception) -> str | None:
    """``timeout``, ``down`` or ``busy`` for an error that says the database is unavailable;
    None for an ordinary error (a bug: it stays a 500 with its traceback)."""
    if isinstance(error, PoolTimeout):
        return "busy"
    orig = getattr(error, "orig", None)
    if isinstance(orig, DatabaseWaitTimeout | psycopg.errors.ConnectionTimeout):
        return "timeout"
    if getattr(error, "connection_invalidated", False):
        return "down"
    if isinstance(orig, psycopg.OperationalError | psycopg.InterfaceError):
        state = orig.sqlstate
        if state is None or state.startswith(("08", "57P")):  # no answer; shut down
            return "down"
        if state in ("57014", "55P03", "53300"):  # statement/lock timeout, too many clients
            return "busy"
        return None
    if orig is not None and "database is locked" in str(orig):  # SQLite's busy timeout
        return "busy"
    return None


def unavailable(reason: str) -> Response:
    """The 503 answer, made without the database."""
    g.database_unavailable = reason
    retry = str(max(int(float(current_app.config["DB_RETRY_SECONDS"])), 1) + 1)
    headers = {"Retry-After": retry, "X-Unavailable": reason}
    message = _("Layanan sedang tidak dapat menjangkau basis data. Coba lagi sebentar lagi.")
    if request.path.startswith("/api/"):
        return problem(503, message, headers=headers)
    if request.path == "/healthz":
        response = jsonify({"status": "unavailable", "reason": reason})
    else:
        # Not render_template: the context processors would read the user and the navigation.
        page = current_app.jinja_env.get_template("errors/503.html")
        html = page.render(message=message, current_locale=_locale_now())
        response = Response(html, mimetype="text/html")
    response.status_code = 503
    response.headers.update(headers)
    return response


def _locale_now() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def end_session(_exc=None) -> None:
    """End the request's session within the deadline; a database that stopped answering
    since the last statement makes the rollback fail: drop the connection instead."""
    try:
        db.session.remove()
    except (OperationalError, InterfaceError, PoolTimeout):
        db.session.registry().invalidate()  # closes its connections without a word to the server
        db.session.registry.clear()
    finally:
        _local.timeout = None


def init_outage(app: Flask) -> None:
    """Call right after ``db.init_app``: the first ``before_request`` of the app, and the
    teardown that runs before Flask-SQLAlchemy's."""
    if not event.contains(Engine, "do_connect", _connect):
        event.listen(Engine, "do_connect", _connect)

    @app.before_request
    def guard_database():
        _local.timeout = float(app.config["DB_WAIT_TIMEOUT_SECONDS"])
        if request.endpoint not in UNGUARDED and _known_down(app):
            return unavailable("known")
        return None

    app.teardown_appcontext(end_session)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def database_error(error):
        reason = outage_reason(error)
        if reason is None:
            raise error
        if reason in ("timeout", "down"):
            _trip(app, reason)
        return unavailable(reason)
