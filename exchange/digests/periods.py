"""Digest periods: the key that makes a digest unique, and the time windows it covers. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from exchange.clock import WIB

PERIODS = ("daily", "weekly")
LENGTH = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


@dataclass(frozen=True)
class Window:
    """``[start, end)`` is this period, ``[previous_start, start)`` the one before."""

    period: str
    key: str
    start: datetime
    end: datetime
    previous_start: datetime


def period_key(period: str, now: datetime) -> str:
    """``2027-01-04`` for a daily digest, ``2027-W01`` for a weekly one (the WIB calendar)."""
    local = now.astimezone(WIB)
    if period == "daily":
        return local.date().isoformat()
    if period == "weekly":
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    raise ValueError(f"unknown digest period {period!r}")


def window(period: str, now: datetime) -> Window:
    """The period ending at ``now`` (an aware datetime)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    length = LENGTH[period]
    start = now - length
    return Window(period, period_key(period, now), start, now, start - length)
