"""The market version: one row that moves, in the same transaction, with every write a
visitor's page could show (a listing, a pesantren, a regency, a commodity).

Why a row bumped by session hooks, not ``max(updated_at)`` reads: no write path can forget it
(the hooks see every flushed instance and every ``update()``/``delete()``/``insert()`` run
through the session: the conditional UPDATEs of quantity.py and services.py, the scheduler's
expiry), a status change that writes no ``updated_at`` still counts, and a reader pays one
primary-key SELECT whatever the size of the market.

The bump is the last statement before COMMIT, so the row's lock is held only for the commit:
writers queue there briefly, and a writer holding it waits for nothing else (no deadlock).
``last_modified`` (whole seconds, UTC) grows by at least one second per bump, so a
Last-Modified/If-Modified-Since pair never calls two versions the same.
"""

from __future__ import annotations

import math
import os
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import (
    BigInteger,
    Engine,
    Integer,
    case,
    create_engine,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, Session, mapped_column

from exchange.clock import utcnow
from exchange.extensions import db
from exchange.routing import reading_replica

#: The tables whose rows visitors' pages show: a write to any of them moves the version.
MARKET_TABLES = frozenset({"listings", "pesantren", "regencies", "commodities"})
_KEY = "market_changed"
_READER = "market_version_reader"
ROW_ID = 1


class MarketVersion(db.Model):
    __tablename__ = "market_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)
    last_modified: Mapped[int] = mapped_column(BigInteger)  # seconds since the epoch, UTC


@dataclass(frozen=True, slots=True)
class Version:
    number: int
    last_modified: int  # seconds since the epoch, UTC


_READ = select(MarketVersion.version, MarketVersion.last_modified).where(MarketVersion.id == ROW_ID)


def current() -> Version | None:
    """The market version now (one primary-key SELECT); None when the row is missing (a
    database emptied by hand): then nothing is served from a cache until the next write.

    Inside ``replica_reads()`` the version comes from the replica, like the page it keys: a
    page rendered from a lagging replica is never cached under the primary's newer version."""
    reader = None if reading_replica() else _reader()
    if reader is None:
        row = db.session.execute(_READ).first()
    else:
        try:
            row = _read(reader)
        except DBAPIError as exc:  # the server restarted: the pool dropped the connection
            if not exc.connection_invalidated:
                raise
            row = _read(reader)
    return Version(row[0], row[1]) if row is not None else None


def _read(engine: Engine):
    with engine.connect() as conn:
        return conn.execute(_READ).first()


def _reader() -> Engine | None:
    """On PostgreSQL, this process's small autocommit engine for the version: one round trip
    per read (the app's pool would add a ping, a BEGIN and a ROLLBACK), and a page served from
    the store then touches no other connection. SQLite reads in the request's session."""
    app = current_app
    found = app.extensions.get(_READER)
    if found is not None and found[0] == os.getpid():  # made in this (forked) process
        return found[1]
    url = db.engine.url
    if url.get_backend_name() != "postgresql":
        return None
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    engine = create_engine(
        url,
        isolation_level="AUTOCOMMIT",
        pool_size=1,
        max_overflow=4,
        connect_args=options.get("connect_args", {}),
        hide_parameters=True,
    )
    app.extensions[_READER] = (os.getpid(), engine)
    return engine


def _first_values() -> dict:
    # A row made again (a database emptied and refilled) must not reuse numbers that pages
    # rendered from the old rows were kept under: start it anywhere in 62 bits.
    return {"id": ROW_ID, "version": secrets.randbits(62), "last_modified": _now_seconds()}


def _now_seconds() -> int:
    return math.ceil(utcnow().timestamp())


@event.listens_for(MarketVersion.__table__, "after_create")
def _first_row(table, connection, **_kw) -> None:
    connection.execute(insert(table).values(**_first_values()))


def bump(session: Session) -> None:
    """Move the version, in the session's transaction (the hooks call it; so may a job)."""
    now = _now_seconds()
    v = MarketVersion
    result = session.execute(
        update(v)
        .where(v.id == ROW_ID)
        .values(
            version=v.version + 1,
            last_modified=case((v.last_modified >= now, v.last_modified + 1), else_=now),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:
        session.execute(insert(v).values(**_first_values()))


def _is_market(obj) -> bool:
    table = getattr(type(obj), "__table__", None)
    return table is not None and table.name in MARKET_TABLES


def _note_flush(session: Session, _context) -> None:
    if _KEY in session.info:
        return
    changed = (session.new, session.deleted, session.dirty)
    if any(_is_market(obj) for objs in changed for obj in objs):
        session.info[_KEY] = True


def _note_statement(state) -> None:
    """``update()``, ``delete()`` and ``insert()`` statements bypass the instance events."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in MARKET_TABLES:
        state.session.info[_KEY] = True


def _bump_before_commit(session: Session) -> None:
    session.flush()
    if session.info.pop(_KEY, False):
        bump(session)


def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended (rolled back, closed)
        session.info.pop(_KEY, None)


#: The session hooks that note market writes and bump the version before COMMIT; installed once
#: at start-up by ``exchange.hooks.install`` (docs/wiring.md, "Session hooks").
SESSION_HOOKS = (
    ("after_flush", _note_flush),
    ("do_orm_execute", _note_statement),
    ("before_commit", _bump_before_commit),
    ("after_transaction_end", _forget),
)
