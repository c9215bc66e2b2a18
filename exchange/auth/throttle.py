"""Attempt counters shared by every worker: one row per (scope, key, window) in the database.

``hit`` adds one attempt with a single ``INSERT ... ON CONFLICT DO UPDATE SET count = count + 1
RETURNING count`` (PostgreSQL and SQLite alike), so concurrent requests in any number of workers
never lose an update, and each learns its own place in the window. The key is stored as a
SHA-256 hash: no e-mail address or IP address sits in the table in clear.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from flask import request
from sqlalchemy import BigInteger, Integer, String, UniqueConstraint, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from exchange.db import intpk
from exchange.extensions import db


class Throttle(db.Model):
    __tablename__ = "throttles"
    __table_args__ = (UniqueConstraint("scope", "key_hash", "window_no"),)

    id: Mapped[intpk]
    scope: Mapped[str] = mapped_column(String(40))
    key_hash: Mapped[str] = mapped_column(String(64))
    # the window's number: seconds since the epoch // window length
    window_no: Mapped[int] = mapped_column(BigInteger)
    # when the window ends (epoch seconds), so ended windows are pruned with one indexed delete
    ends_at: Mapped[int] = mapped_column(BigInteger, index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


def _digest(part: str) -> str:
    return hashlib.sha256(part.encode("utf-8", "surrogatepass")).hexdigest()


def key_hash(key: str | tuple[str, str]) -> str:
    """64 hex characters; a pair (account, client) keeps 32 of each, so that every pair of one
    account can be found (and cleared) by its first half."""
    if isinstance(key, tuple):
        first, second = key
        return _digest(first)[:32] + _digest(second)[:32]
    return _digest(key)


def client_key() -> str:
    """The client a limit applies to: its address (ProxyFix makes it the real one)."""
    return request.remote_addr or "unknown"


def _window(now: datetime, seconds: int) -> tuple[int, int]:
    epoch = int(now.timestamp())
    number = epoch // seconds
    return number, (number + 1) * seconds


def hit(
    scope: str, key: str | tuple[str, str], seconds: int, now: datetime
) -> tuple[int, datetime]:
    """Count one attempt; returns (attempts in this window including this one, window end).

    Commits at once (its own short transaction): a refused request must still be counted.
    """
    number, ends = _window(now, seconds)
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(Throttle)
        .values(scope=scope, key_hash=key_hash(key), window_no=number, ends_at=ends, count=1)
        .on_conflict_do_update(
            index_elements=["scope", "key_hash", "window_no"],
            set_={"count": Throttle.count + 1},
        )
        .returning(Throttle.count)
    )
    count = db.session.execute(statement).scalar_one()
    db.session.commit()
    return count, datetime.fromtimestamp(ends, UTC)


def clear(scope: str, key: str | tuple[str, str]) -> None:
    """Forget a key's attempts in every window (the caller commits)."""
    db.session.execute(
        delete(Throttle).where(Throttle.scope == scope, Throttle.key_hash == key_hash(key))
    )


def clear_first(scope: str, first: str) -> None:
    """Forget the attempts of every pair whose first part is ``first`` (the caller commits)."""
    prefix = _digest(first)[:32]
    db.session.execute(
        delete(Throttle).where(Throttle.scope == scope, Throttle.key_hash.startswith(prefix))
    )


def prune(now: datetime) -> int:
    """Delete the rows of windows that have ended. Returns how many."""
    result = db.session.execute(delete(Throttle).where(Throttle.ends_at < int(now.timestamp())))
    db.session.commit()
    return result.rowcount


def minutes_left(until: datetime, now: datetime) -> int:
    return max(1, int((until - now) / timedelta(minutes=1)) + 1)
