"""The one clock of the app: "now" in UTC, "now" and "today" in WIB (Asia/Jakarta, UTC+7).

All of East Java lives in WIB: a payment made at 06:30 WIB is made "today" there, while the UTC
date is still yesterday. Shells (views, services, jobs) ask here; pure cores take dates as
arguments and read no clock. Tests set the time with ``frozen(when)`` (or ``set_now``), or let
it run from another moment with ``starting_at(when)``, and every "now" of the app (column
defaults included, through ``exchange.db.utcnow``) follows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")

_fixed: datetime | None = None
_offset = timedelta(0)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (or the time a test set)."""
    return _fixed if _fixed is not None else datetime.now(UTC) + _offset


def now_wib(now: datetime | None = None) -> datetime:
    """The current time (or ``now``, timezone-aware), in WIB."""
    return (now or utcnow()).astimezone(WIB)


def today_wib(now: datetime | None = None) -> date:
    """Today's calendar date in WIB (the default of every date a manager fills in)."""
    return now_wib(now).date()


def parse_now(text: str) -> datetime:
    """A ``--now`` given to a command: ISO 8601 (``2027-01-04T06:00+07:00``); without a zone
    it is read as WIB, the wall clock of the people the exchange serves (every command alike).
    Raises ValueError when it is not a date-time."""
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=WIB)


def to_wib(value: datetime) -> datetime:
    """A stored (UTC) time on the WIB wall clock."""
    return value.astimezone(WIB)


def set_now(when: datetime | None) -> None:
    """Fix the clock at ``when`` (timezone-aware), or let it run again with ``None``."""
    global _fixed
    if when is not None and when.tzinfo is None:
        raise ValueError("the clock takes a timezone-aware datetime")
    _fixed = when.astimezone(UTC) if when is not None else None


@contextmanager
def frozen(when: datetime) -> Iterator[None]:
    """``with frozen(datetime(2027, 1, 4, 23, 30, tzinfo=UTC)):`` the app lives at that moment."""
    before = _fixed
    set_now(when)
    try:
        yield
    finally:
        set_now(before)


@contextmanager
def starting_at(when: datetime) -> Iterator[None]:
    """The clock runs on, from ``when`` (timezone-aware): the app lives on another day, and two
    moments of one test still come one after the other. ``frozen`` inside it still holds."""
    global _offset
    if when.tzinfo is None:
        raise ValueError("the clock takes a timezone-aware datetime")
    before = _offset
    _offset = when - datetime.now(UTC)
    try:
        yield
    finally:
        _offset = before
