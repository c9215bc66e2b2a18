"""The dashboard's filters: a period (by contract signing date, WIB), a commodity, a regency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from exchange.clock import WIB

DEFAULT_DAYS = 90


@dataclass(frozen=True)
class Filters:
    start: date  # first day, inclusive (WIB calendar)
    end: date  # last day, inclusive
    commodity_id: int | None = None
    regency_code: str | None = None
    commodity_slug: str | None = None

    @property
    def since(self) -> datetime:
        """The start of the period as an aware UTC instant."""
        return datetime.combine(self.start, time(0), WIB).astimezone(UTC)

    @property
    def until(self) -> datetime:
        """The end of the period (exclusive) as an aware UTC instant."""
        return datetime.combine(self.end + timedelta(days=1), time(0), WIB).astimezone(UTC)

    def args(self) -> dict[str, str]:
        """The query-string form, for links that keep the filters (CSV, other tabs)."""
        out = {"dari": self.start.isoformat(), "sampai": self.end.isoformat()}
        if self.commodity_slug:
            out["komoditas"] = self.commodity_slug
        if self.regency_code:
            out["kabupaten"] = self.regency_code
        return out


def default_period(today: date) -> tuple[date, date]:
    return today - timedelta(days=DEFAULT_DAYS - 1), today
