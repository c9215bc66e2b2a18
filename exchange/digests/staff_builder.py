"""The staff digest from plain rows: the exchange's trade figures, pesantren awaiting
verification, open disputes. Pure (digests/builder.py has the manager digest and the shared
parts)."""

from __future__ import annotations

from datetime import datetime

from exchange.digests.builder import Formatter, Item, Section, make_digest, name_of, section
from exchange.digests.periods import Window
from exchange.digests.rows import StaffRows


def build_staff_digest(rows: StaffRows, win: Window, now: datetime, fmt: Formatter, url=""):
    sections = (_trade(rows, fmt), _pending(rows, now, fmt), _disputes(rows, now, fmt))
    return make_digest(win, fmt, sections, url)


TRADE_FIGURES = ("deals_agreed", "trade_value", "deals_completed", "offers_new", "requests_new")


MONEY_FIGURES = {"trade_value"}


def _figure_label(key: str, fmt: Formatter) -> str:
    _ = fmt.gettext
    labels = {
        "deals_agreed": _("Kesepakatan baru"),
        "trade_value": _("Nilai perdagangan"),
        "deals_completed": _("Kesepakatan selesai"),
        "offers_new": _("Penawaran baru"),
        "requests_new": _("Permintaan baru"),
    }
    return labels.get(key, key)


def _trade(rows: StaffRows, fmt: Formatter) -> Section:
    _ = fmt.gettext
    figures = {r.key: r for r in rows.trade}
    if not any(r.current for r in rows.trade):
        return section("trade", "", [])
    items = []
    for key in sorted(
        figures,
        key=lambda k: (
            (TRADE_FIGURES.index(k), k) if k in TRADE_FIGURES else (len(TRADE_FIGURES), k)
        ),
    ):
        r = figures[key]
        show = fmt.rupiah if key in MONEY_FIGURES else fmt.number
        items.append(
            Item(
                _figure_label(key, fmt),
                _(
                    "%(now)s (periode lalu %(before)s)",
                    now=show(r.current),
                    before=show(r.previous),
                ),
                r.url,
            )
        )
    return section("trade", _("Perdagangan periode ini"), items, len(items))


def _age_days(since: datetime, now: datetime) -> int:
    return max((now - since).days, 0)


def _pending(rows: StaffRows, now: datetime, fmt: Formatter) -> Section:
    _ = fmt.gettext
    ordered = sorted(rows.pending, key=lambda r: (r.since, r.pesantren_id))
    items = [
        Item(
            r.name,
            _(
                "%(regency)s · menunggu %(days)s hari",
                regency=r.regency,
                days=_age_days(r.since, now),
            ),
            r.url,
        )
        for r in ordered
    ]
    return section("pending", _("Pesantren menunggu verifikasi"), items)


def _disputes(rows: StaffRows, now: datetime, fmt: Formatter) -> Section:
    _ = fmt.gettext
    ordered = sorted(rows.disputes, key=lambda r: (r.opened_at, r.dispute_id))
    items = [
        Item(
            _("Sengketa kesepakatan #%(id)s", id=r.deal_id),
            _(
                "%(commodity)s · %(parties)s · dibuka %(days)s hari lalu",
                commodity=name_of(r, fmt),
                parties=r.parties,
                days=_age_days(r.opened_at, now),
            ),
            r.url,
        )
        for r in ordered
    ]
    return section("disputes", _("Sengketa terbuka"), items)
