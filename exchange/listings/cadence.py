"""Kebutuhan rutin: how a standing request repeats, and the kitchen needs of a pesantren.
Pure: no Flask, no database, no clock (``today`` is given)."""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum


class Cadence(StrEnum):
    WEEKLY = "weekly"  # setiap minggu
    BIWEEKLY = "biweekly"  # setiap dua minggu
    MONTHLY = "monthly"  # setiap bulan


DAYS = {Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14}
MAX_WINDOW_DAYS = 31


def next_start(start: date, cadence: str, anchor_day: int | None = None) -> date:
    """The first day of the period after the one starting ``start``. Monthly keeps the day of
    the month it was first set on (``anchor_day``), the month's last day when it is shorter
    (31 Jan, 28 Feb, 31 Mar)."""
    if cadence in DAYS:
        return start + timedelta(days=DAYS[Cadence(cadence)])
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    day = min(anchor_day or start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


@dataclass(frozen=True)
class Period:
    start: date  # the period's first day (its key: skipping names it)
    window_start: date  # the posted request's window: from max(start, today)
    window_end: date


def due_period(
    start: date, window_days: int, cadence: str, today: date, anchor_day: int | None = None
) -> tuple[Period | None, date]:
    """The period to post today, if any, and the start of the one after it. Periods whose
    window is already over (the scheduler did not run) are passed over, never posted late."""
    while start <= today:
        end = start + timedelta(days=window_days - 1)
        following = next_start(start, cadence, anchor_day)
        if end >= today:
            return Period(start, max(start, today), end), following
        start = following
    return None, start


# Kitchen needs (DOMAIN.md section 3), estimates for the manager to confirm ---------------------
RICE_KG = Decimal("0.25")  # per santri mukim per day (range 0.2-0.3)
SALT_KG_YEAR = Decimal(3)  # per person per year
SUGAR_KG = Decimal("0.02")  # per santri per day (suggested default)
OIL_L = Decimal("0.02")  # per santri per day (suggested default)
MUKIM_SHARE = Decimal("0.57")  # Jatim average share of resident santri


@dataclass(frozen=True)
class Need:
    slug: str  # the catalogue's commodity
    per_day: Decimal  # in the commodity's unit
    per_period: int  # rounded up to a whole unit


def kitchen_needs(mukim: int, kitchen_share: Decimal, cadence: str) -> list[Need]:
    """Rice = santri mukim x 0.25 kg x kitchen share a day; salt 3 kg a person a year; sugar
    and cooking oil 0.02 a santri a day; all x the kitchen share, per period of ``cadence``."""
    days = DAYS.get(Cadence(cadence), 30)
    people = Decimal(max(mukim, 0)) * kitchen_share
    per_day = {
        "beras": people * RICE_KG,
        "garam_konsumsi": people * SALT_KG_YEAR / 365,
        "gula_pasir": people * SUGAR_KG,
        "minyak_goreng": people * OIL_L,
    }
    return [
        Need(slug, amount.quantize(Decimal("0.01")), math.ceil(amount * days))
        for slug, amount in per_day.items()
    ]


def default_mukim(santri_count: int) -> int:
    return int((Decimal(santri_count) * MUKIM_SHARE).to_integral_value())
