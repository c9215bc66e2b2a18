"""The one "now" and "today" of the app in WIB (Asia/Jakarta, UTC+7, no daylight saving).

All of East Java lives in WIB: a payment made at 06:30 WIB is made "today" there, while the UTC
date is still yesterday. Shells (views, services, jobs) ask here; pure cores take dates as
arguments and read no clock.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from exchange.db import utcnow

WIB = ZoneInfo("Asia/Jakarta")


def now_wib(now: datetime | None = None) -> datetime:
    """The current time (or ``now``, timezone-aware), in WIB."""
    return (now or utcnow()).astimezone(WIB)


def today_wib(now: datetime | None = None) -> date:
    """Today's calendar date in WIB (the default of every date a manager fills in)."""
    return now_wib(now).date()
