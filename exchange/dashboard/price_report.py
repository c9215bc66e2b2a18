"""The staff's price page as data: median weekly prices per commodity, and their chart."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from exchange.dashboard import price_queries, svg
from exchange.dashboard.filters import Filters
from exchange.dashboard.page import Page, safe
from exchange.dashboard.tables import Column, Table
from exchange.i18n import rupiah


def week_label(week) -> str:
    """A week by its Monday, short: "4 Jan" (never an ISO date that wraps)."""
    day = week if isinstance(week, date) else date.fromisoformat(str(week)[:10])
    return format_date(day, "d MMM")


def price_page(f: Filters, today: date) -> Page:
    rows = price_queries.prices(f)
    page = Page("prices")
    page.tables.append(
        Table(
            "prices",
            _("Median harga per minggu"),
            (
                Column("slug", _("Kode"), "code"),
                Column("commodity", _("Komoditas")),
                Column("unit", _("Satuan")),
                Column("week", _("Minggu mulai")),
                Column("offer", _("Penawaran (Rp)"), "rupiah"),
                Column("request", _("Permintaan (Rp)"), "rupiah"),
                Column("contract", _("Kontrak (Rp)"), "rupiah"),
                Column("reference", _("Acuan (Rp)"), "rupiah"),
            ),
            rows,
        )
    )
    if f.commodity_slug and rows:
        weeks = [r[3] for r in rows]
        page.charts["prices"] = safe(
            svg.line_chart(
                [week_label(w) for w in weeks],
                [
                    (_("Penawaran"), [r[4] for r in rows]),
                    (_("Permintaan"), [r[5] for r in rows]),
                    (_("Kontrak"), [r[6] for r in rows]),
                ],
                _("Median harga per minggu (Rp per %(unit)s)", unit=rows[0][2]),
                reference=rows[0][7],
                reference_label=_("Harga acuan"),
                fmt=rupiah,
            )
        )
    return page
