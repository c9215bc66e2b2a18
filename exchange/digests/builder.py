"""What goes into one person's digest, from plain rows. Pure: no Flask, no database, no clock.

The caller passes ``now``, the period window and a ``Formatter`` (the reader's language and
number formats), and gets back a ``Digest``: titled sections of items, each with a link.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from urllib.parse import quote

from exchange.clock import WIB
from exchange.digests.periods import Window
from exchange.digests.rows import ManagerRows

MAX_ITEMS = 10  # per section; the rest is counted ("and 4 more")
MAX_SUGGESTIONS = 5


class Formatter(Protocol):
    locale: str

    def gettext(self, msgid: str, **variables) -> str: ...
    def rupiah(self, value: int) -> str: ...
    def number(self, value: int) -> str: ...
    def date(self, value: date) -> str: ...
    def datetime(self, value: datetime) -> str: ...


class PlainFormatter:
    """Indonesian msgids and simple formats: for tests and for a reader without Babel."""

    locale = "id"

    def gettext(self, msgid: str, **variables) -> str:
        return msgid % variables if variables else msgid

    def rupiah(self, value: int) -> str:
        return "Rp " + f"{value:,}".replace(",", ".")

    def number(self, value: int) -> str:
        return f"{value:,}".replace(",", ".")

    def date(self, value: date) -> str:
        return value.isoformat()

    def datetime(self, value: datetime) -> str:
        return value.astimezone(WIB).strftime("%Y-%m-%d %H.%M") + " WIB"


@dataclass(frozen=True)
class Item:
    title: str
    detail: str
    url: str


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: tuple[Item, ...]
    more: int = 0  # items left out of a long section


@dataclass(frozen=True)
class Digest:
    period: str
    period_key: str
    heading: str
    sections: tuple[Section, ...]
    url: str = ""  # the digest's own page

    @property
    def is_empty(self) -> bool:
        return not any(s.items for s in self.sections)

    @property
    def item_count(self) -> int:
        return sum(len(s.items) + s.more for s in self.sections)


def median(values: Sequence[int]) -> int | None:
    """The median in whole rupiah (the half rounds up); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid] + 1) // 2


def name_of(row, fmt: Formatter) -> str:
    """The commodity's name in the reader's language."""
    english = getattr(row, "commodity_en", "")
    return english if fmt.locale == "en" and english else row.commodity


def _direction(row, fmt: Formatter) -> str:
    """Which way the goods go between the reader and the counterparty."""
    _ = fmt.gettext
    if row.selling:
        return _(
            "%(commodity)s: menjual ke %(party)s",
            commodity=name_of(row, fmt),
            party=row.counterparty,
        )
    return _(
        "%(commodity)s: membeli dari %(party)s", commodity=name_of(row, fmt), party=row.counterparty
    )


def heading(period: str, win: Window, fmt: Formatter) -> str:
    _ = fmt.gettext
    day = fmt.date(win.end.astimezone(WIB).date())
    if period == "weekly":
        return _("Ringkasan Mingguan Bursa Pesantren, %(date)s", date=day)
    return _("Ringkasan Harian Bursa Pesantren, %(date)s", date=day)


def build_manager_digest(
    rows: ManagerRows, win: Window, now: datetime, fmt: Formatter, url: str = ""
) -> Digest:
    sections = (
        _proposals(rows, fmt),
        _suggestions(rows, fmt),
        _partners(rows, fmt),
        _moves(rows, now, fmt),
        _deal_tasks(rows, fmt),
        _netting(rows, fmt),
        _expiring(rows, fmt),
        _market(rows, fmt),
    )
    return make_digest(win, fmt, sections, url)


def make_digest(win, fmt, sections, url) -> Digest:
    kept = tuple(s for s in sections if s.items)
    return Digest(win.period, win.key, heading(win.period, win, fmt), kept, url)


def section(
    key: str, title: str, items: list[Item], limit: int = MAX_ITEMS, total: int | None = None
) -> Section:
    """The first ``limit`` items; ``total`` counts all of them when only those were built (a
    section formats only what it shows: Babel formatting is the cost of a digest run)."""
    total = len(items) if total is None else total
    return Section(key, title, tuple(items[:limit]), max(total - limit, 0))


def _proposals(rows: ManagerRows, fmt: Formatter) -> Section:
    _ = fmt.gettext
    ordered = sorted(rows.proposals, key=lambda r: (-r.created_at.timestamp(), r.proposal_id))
    items = [
        Item(
            _direction(r, fmt),
            _(
                "%(quantity)s %(unit)s @ %(price)s",
                quantity=fmt.number(r.quantity),
                unit=r.unit,
                price=fmt.rupiah(r.price),
            ),
            r.url,
        )
        for r in ordered[:MAX_ITEMS]
    ]
    return section("proposals", _("Usulan baru untuk listing Anda"), items, total=len(ordered))


def _suggestions(rows: ManagerRows, fmt: Formatter) -> Section:
    _ = fmt.gettext
    ordered = sorted(rows.suggestions, key=lambda r: (-r.score, r.listing_id))
    items = []
    for r in ordered[:MAX_SUGGESTIONS]:
        detail = _(
            "%(quantity)s %(unit)s @ %(price)s",
            quantity=fmt.number(r.quantity),
            unit=r.unit,
            price=fmt.rupiah(r.price),
        )
        if r.distance_km is not None:
            detail += " · " + _("%(km)s km", km=fmt.number(round(r.distance_km)))
        if r.side == "request":  # the counterpart wants to buy: the reader would sell
            title = _(
                "%(party)s ingin membeli %(commodity)s",
                commodity=name_of(r, fmt),
                party=r.counterparty,
            )
        else:
            title = _(
                "%(party)s menjual %(commodity)s", commodity=name_of(r, fmt), party=r.counterparty
            )
        items.append(Item(title, detail, r.url))
    return section("suggestions", _("Saran terbaik"), items, MAX_SUGGESTIONS, len(ordered))


def _partners(rows: ManagerRows, fmt: Formatter) -> Section:
    _ = fmt.gettext
    ordered = sorted(rows.partners, key=lambda r: (r.name, r.pesantren_id))
    items = [
        Item(
            _("%(name)s (%(regency)s)", name=r.name, regency=r.regency),
            _(
                "Mereka memasok %(theirs)s; Anda memasok %(yours)s",
                theirs=r.they_supply,
                yours=r.you_supply,
            ),
            r.url,
        )
        for r in ordered[:MAX_ITEMS]
    ]
    return section("partners", _("Mitra timbal balik baru"), items, total=len(ordered))


def _moves(rows: ManagerRows, now: datetime, fmt: Formatter) -> Section:
    _ = fmt.gettext
    waiting = sorted(
        (r for r in rows.moves if r.expires_at > now),
        key=lambda r: (r.expires_at, r.negotiation_id),
    )
    items = [
        Item(
            _direction(r, fmt),
            _(
                "%(quantity)s %(unit)s @ %(price)s · berakhir %(when)s",
                quantity=fmt.number(r.quantity),
                unit=r.unit,
                price=fmt.rupiah(r.price),
                when=fmt.datetime(r.expires_at),
            ),
            r.url,
        )
        for r in waiting[:MAX_ITEMS]
    ]
    return section("moves", _("Tawar-menawar menunggu jawaban Anda"), items, total=len(waiting))


def _task_label(action: str, fmt: Formatter) -> str:
    _ = fmt.gettext
    labels = {
        "pay": _("Bayar"),
        "ship": _("Kirim barang"),
        "receive": _("Konfirmasi penerimaan"),
        "complete": _("Selesaikan"),
        "rate": _("Beri penilaian"),
    }
    return labels.get(action, action)


def _netting(rows: ManagerRows, fmt: Formatter) -> Section:
    _ = fmt.gettext
    items = [
        Item(
            _("Kliring #%(run)s menunggu konfirmasi", run=r.run_id),
            _("Utang dan piutang diperhitungkan: %(amount)s", amount=fmt.rupiah(r.set_off)),
            r.url,
        )
        for r in sorted(rows.netting, key=lambda r: r.run_id)
    ]
    return section("netting", _("Kliring menunggu konfirmasi Anda"), items)


def _deal_tasks(rows: ManagerRows, fmt: Formatter) -> Section:
    _ = fmt.gettext
    ordered = sorted(rows.deal_tasks, key=lambda r: (r.due or date.max, r.deal_id, r.action))
    items = []
    for r in ordered[:MAX_ITEMS]:
        detail = _direction(r, fmt) + " · " + fmt.rupiah(r.amount)
        if r.due is not None:
            detail += " · " + _("paling lambat %(date)s", date=fmt.date(r.due))
        title = _("%(task)s: kesepakatan #%(id)s", task=_task_label(r.action, fmt), id=r.deal_id)
        items.append(Item(title, detail, r.url))
    return section("deals", _("Kesepakatan menunggu Anda"), items, total=len(ordered))


def _expiring(rows: ManagerRows, fmt: Formatter) -> Section:
    _ = fmt.gettext
    ordered = sorted(rows.expiring, key=lambda r: (r.window_end, r.listing_id))
    items = []
    for r in ordered[:MAX_ITEMS]:
        side = _("Penawaran") if r.side == "offer" else _("Permintaan")
        items.append(
            Item(
                _("%(side)s %(commodity)s", side=side, commodity=name_of(r, fmt)),
                _(
                    "sisa %(quantity)s %(unit)s · berakhir %(date)s",
                    quantity=fmt.number(r.remaining),
                    unit=r.unit,
                    date=fmt.date(r.window_end),
                ),
                r.url,
            )
        )
    return section("expiring", _("Listing Anda yang segera berakhir"), items, total=len(ordered))


def _price_phrase(label: str, now, before, unit: str, fmt: Formatter) -> str:
    _ = fmt.gettext
    if now is None:
        return _("%(label)s: belum ada", label=label)
    text = _("%(label)s: median %(price)s/%(unit)s", label=label, price=fmt.rupiah(now), unit=unit)
    if before is None:
        return text + " " + _("(periode lalu: belum ada)")
    change = round((now - before) * 100 / before)
    sign = "+" if change > 0 else ""
    return (
        text
        + " "
        + _(
            "(periode lalu %(price)s, %(change)s%%)",
            price=fmt.rupiah(before),
            change=f"{sign}{change}",
        )
    )


def _market(rows: ManagerRows, fmt: Formatter) -> Section:
    _ = fmt.gettext
    items = []
    for r in sorted(rows.market, key=lambda r: (name_of(r, fmt), r.commodity_slug)):
        if not r.offers_now and not r.requests_now:
            continue  # nothing happened this period: no note
        offer = _price_phrase(
            _("Penawaran"), median(r.offers_now), median(r.offers_before), r.unit, fmt
        )
        request = _price_phrase(
            _("Permintaan"), median(r.requests_now), median(r.requests_before), r.unit, fmt
        )
        items.append(Item(name_of(r, fmt), f"{offer} · {request}", r.url))
    return section("market", _("Catatan pasar"), items)


def share_text(digest: Digest) -> str:
    """The short WhatsApp version: the heading, a line per section, the digest's link."""
    lines = [f"*{digest.heading}*"]
    for part in digest.sections:
        count = len(part.items) + part.more
        first = part.items[0].title if part.items else ""
        lines.append(f"• {part.title} ({count}): {first}")
    if digest.url:
        lines.append(digest.url)
    return "\n".join(lines)


def whatsapp_link(text: str) -> str:
    """A ``wa.me`` link that opens WhatsApp with the text ready; nothing is sent by us."""
    return "https://wa.me/?text=" + quote(text, safe="")
