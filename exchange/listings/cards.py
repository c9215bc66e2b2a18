"""The market page's cards, formatted once per request in Python.

The page used to call six template macros and a dozen filters per row on ORM objects; at 25
rows that was most of its CPU time. Here each card is a plain tuple of the strings the template
prints (escaped there as before), built from the columns ``queries.market_cards`` reads. The
HTML is the same.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import url_for
from flask_babel import gettext

from exchange import i18n
from exchange.listings.queries import CardRow


class Card(NamedTuple):
    href: str
    name: str
    side: str
    grade: str
    quantity: str
    unit: str
    price: str
    window: str
    akad: str
    min_quantity: str
    place: str
    distance: str | None
    mine: bool = False  # the reader's own pesantren's listing


def cards(rows: list[CardRow], locale: str, own_pesantren: int | None = None) -> list[Card]:
    base = url_for("listings.market")
    sides = {"offer": gettext("Penawaran"), "request": gettext("Permintaan")}
    akad_names: dict[str, str] = {}
    out = []
    for r in rows:
        c = r.commodity
        for a in r.akad:
            if a not in akad_names:
                akad_names[a] = i18n.akad(a)
        moq = ""
        if r.min_quantity:
            moq = gettext(
                "Minimal pembelian per transaksi: %(q)s %(unit)s",
                q=i18n.number(r.min_quantity),
                unit=c.unit,
            )
        out.append(
            Card(
                href=f"{base}/{r.id}",
                name=c.name(locale),
                side=sides["offer"] if r.side == "offer" else sides["request"],
                grade=c.grade_label(r.grade),
                quantity=i18n.number(r.remaining),
                unit=c.unit,
                price=f"{i18n.rupiah(r.price)}/{c.unit}",
                window=f"{i18n.short_date(r.window_start)} – {i18n.short_date(r.window_end)}",
                akad=", ".join(akad_names[a] for a in r.akad),
                min_quantity=moq,
                place=f"{r.pesantren_name}, {r.regency_short_name}",
                distance=None if r.distance_km is None else i18n.km(r.distance_km, 0),
                mine=own_pesantren is not None and r.pesantren_id == own_pesantren,
            )
        )
    return out
