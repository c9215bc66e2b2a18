"""The unmet-demand page: open requests no open offer reaches, idle supply, and the nearest
thing to a match, as the latest clearing run found them (``matching.services``: the engine's
own rule, run once per clearing, not once per view)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from exchange.dashboard import queries, reach_queries, svg
from exchange.dashboard.filters import Filters
from exchange.dashboard.page import Page, locale_name, regency_names, safe
from exchange.dashboard.tables import Column, Table
from exchange.i18n import quantity
from exchange.matching import queries as matching


def _place_cols(what: str) -> tuple[Column, ...]:
    return (
        Column("commodity", _("Komoditas")),
        Column("unit", _("Satuan")),
        Column("regency_code", _("Kode"), "code"),
        Column("regency", _("Kabupaten/kota")),
        Column("listings", what, "int"),
        Column("quantity", _("Jumlah"), "int"),
    )


def _connection_cols() -> tuple[Column, ...]:
    return (
        Column("request_id", _("Permintaan"), "listing"),
        Column("buyer", _("Peminta")),
        Column("buyer_regency", _("Kabupaten/kota")),
        Column("commodity", _("Komoditas")),
        Column("unmet", _("Belum terpenuhi"), "int"),
        Column("price", _("Harga maks. (Rp)"), "rupiah"),
        Column("offer_id", _("Penawaran"), "listing"),
        Column("seller", _("Penawar")),
        Column("seller_regency", _("Kabupaten/kota penawar")),
        Column("distance_km", _("Jarak (km)"), "float"),
        Column("delivered_price", _("Harga tiba di pembeli (Rp)"), "rupiah"),
        Column("price_gap", _("Selisih (Rp)"), "rupiah"),
        Column("blocked_by", _("Terhalang")),
    )


def unmet_page(f: Filters, today: date) -> Page:
    run = matching.latest_run()
    page = Page("unmet", facts={"run": run})
    demand = reach_queries.unmet_cells(run.id, f) if run else {}
    idle = reach_queries.idle_cells(run.id, f) if run else {}
    gaps = reach_queries.top_gaps(run.id, f) if run else []
    catalogue = {c.id: c for c in queries.commodities()}
    regencies = regency_names()
    locale = locale_name()
    names = {cid: c.name(locale) for cid, c in catalogue.items()}

    def place_rows(cells):
        rows = [
            (names[c], catalogue[c].unit, r, regencies.get(r, r), n, q)
            for (c, r), (n, q) in cells.items()
        ]
        return sorted(rows, key=lambda x: (-x[5], x[0], x[2]))

    page.tables.append(
        Table(
            "unmet_demand",
            _("Permintaan tanpa penawaran dalam jangkauan"),
            _place_cols(_("Permintaan")),
            place_rows(demand),
        )
    )
    page.tables.append(
        Table(
            "idle_supply",
            _("Pasokan yang menganggur"),
            _place_cols(_("Penawaran")),
            place_rows(idle),
        )
    )
    people = queries.pesantren_names(
        [g.buyer_id for g in gaps] + [g.seller_id for g in gaps if g.seller_id]
    )
    blocked = {
        "price": _("harga"),
        "distance": _("jarak"),
        "quantity": _("jumlah"),
        "none": _("tidak ada penawaran"),
    }
    rows = [
        (
            g.request_id,
            people.get(g.buyer_id, ("", ""))[0],
            regencies.get(g.buyer_regency, g.buyer_regency),
            names[g.commodity_id],
            g.unmet,
            g.price,
            g.offer_id,
            people.get(g.seller_id, ("", ""))[0] if g.seller_id else "",
            regencies.get(g.seller_regency, g.seller_regency) if g.seller_regency else "",
            g.distance_km,
            g.delivered_price,
            g.price_gap,
            blocked[g.blocked_by],
        )
        for g in gaps
    ]
    page.tables.append(
        Table(
            "connections",
            _("Yang bisa menghubungkan: penawaran terdekat dan selisih harga"),
            _connection_cols(),
            rows,
        )
    )
    top = sorted(demand.items(), key=lambda kv: (-kv[1][1], kv[0]))[:10]
    page.charts["unmet"] = safe(
        svg.bar_chart(
            [
                (f"{names[c]} · {regencies.get(r, r)}", q, quantity(q, catalogue[c].unit))
                for (c, r), (_n, q) in top
            ],
            _("Permintaan belum terpenuhi"),
            legend_html=svg.legend(
                [
                    (
                        "bar",
                        svg.PALETTE[0],
                        _("Jumlah yang diminta tanpa penawaran dalam jangkauan (10 terbesar)"),
                    )
                ]
            ),
        )
    )
    return page
