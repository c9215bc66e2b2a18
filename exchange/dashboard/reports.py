"""The dashboard's pages as data: SQL aggregates (queries) + pure summaries (flows, reach) +
charts (svg), laid out as named tables that the page shows and the CSV export reuses.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from exchange.dashboard import flows, network_svg, queries, svg
from exchange.dashboard.filters import Filters
from exchange.dashboard.reach import reach
from exchange.dashboard.tables import Column, Table
from exchange.i18n import number, rupiah
from exchange.listings.models import Side


@dataclass
class Page:
    key: str
    tables: list[Table] = field(default_factory=list)
    charts: dict[str, Markup] = field(default_factory=dict)
    facts: dict[str, object] = field(default_factory=dict)

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)


def _safe(svg_text: str) -> Markup:
    # svg.py escapes every piece of text it draws
    return Markup(svg_text)  # noqa: S704  # nosec B704


def _regency_names() -> dict[str, str]:
    return {r.code: r.short_name for r in queries.regencies()}


def _locale() -> str:
    """Commodity names in the reader's language (the catalogue has both)."""
    return str(get_locale() or "id")


def overview(f: Filters, today: date) -> Page:
    fig = queries.figures(f, today)
    page = Page("overview", facts={"figures": fig})
    rate = fig.match_rate
    summary = [
        ("active_pesantren", _("Pesantren aktif"), fig.active_pesantren, "int"),
        ("open_offers", _("Penawaran terbuka"), fig.open_offers, "int"),
        ("open_offer_quantity", _("Jumlah penawaran terbuka"), fig.open_offer_quantity, "int"),
        ("open_offer_value", _("Nilai penawaran terbuka"), fig.open_offer_value, "rupiah"),
        ("open_requests", _("Permintaan terbuka"), fig.open_requests, "int"),
        ("open_request_quantity", _("Jumlah permintaan terbuka"), fig.open_request_quantity, "int"),
        ("open_request_value", _("Nilai permintaan terbuka"), fig.open_request_value, "rupiah"),
        ("proposals_made", _("Usulan pencocokan dibuat"), fig.proposals_made, "int"),
        (
            "proposals_acted",
            _("Usulan yang ditindaklanjuti (negosiasi dibuka)"),
            fig.proposals_acted,
            "int",
        ),
        ("signed", _("Kontrak disepakati"), fig.signed, "int"),
        ("signed_volume", _("Volume kontrak"), fig.signed_volume, "int"),
        ("signed_value", _("Nilai kontrak"), fig.signed_value, "rupiah"),
        ("delivered", _("Kontrak diterima (BAST)"), fig.delivered, "int"),
        ("delivered_volume", _("Volume diterima"), fig.delivered_volume, "int"),
        ("delivered_value", _("Nilai diterima"), fig.delivered_value, "rupiah"),
        ("completed", _("Kontrak selesai"), fig.completed, "int"),
        ("completed_volume", _("Volume selesai"), fig.completed_volume, "int"),
        ("completed_value", _("Nilai selesai"), fig.completed_value, "rupiah"),
        ("cancelled", _("Kontrak dibatalkan"), fig.cancelled, "int"),
        (
            "requested_quantity",
            _("Jumlah diminta (diposting pada periode)"),
            fig.requested_quantity,
            "int",
        ),
        (
            "matched_quantity",
            _("Jumlah diminta yang mendapat kontrak"),
            fig.matched_quantity,
            "int",
        ),
        ("match_rate", _("Tingkat keterpenuhan"), None if rate is None else round(rate, 4), "pct"),
        (
            "median_hours",
            _("Median waktu dari posting ke kontrak (jam)"),
            fig.median_hours_to_contract,
            "hours",
        ),
        (
            "reciprocal_pairs",
            _("Kemitraan timbal balik (pasangan)"),
            queries.reciprocal_pairs(f),
            "int",
        ),
        ("disputes_raised", _("Sengketa diajukan"), fig.disputes_raised, "int"),
        ("disputes_open", _("Sengketa terbuka sekarang"), fig.disputes_open, "int"),
    ]
    page.facts["summary"] = summary
    page.tables.append(
        Table(
            "summary",
            _("Ringkasan"),
            (
                Column("key", _("Kode"), "code"),
                Column("label", _("Angka")),
                Column("value", _("Nilai"), "auto"),
            ),
            [(k, label, value) for k, label, value, _kind in summary],
        )
    )
    names = {c.slug: c.name(_locale()) for c in queries.commodities()}
    rows = [(r[0], names.get(r[0], r[1]), *r[2:]) for r in queries.by_commodity(f)]
    page.tables.append(
        Table(
            "commodities",
            _("Kontrak per komoditas"),
            (
                Column("slug", _("Kode"), "code"),
                Column("name", _("Komoditas")),
                Column("unit", _("Satuan")),
                Column("contracts", _("Kontrak"), "int"),
                Column("volume", _("Volume"), "int"),
                Column("value", _("Nilai (Rp)"), "rupiah"),
            ),
            rows,
        )
    )
    page.charts["commodities"] = _safe(
        svg.bar_chart(
            [(r[1], r[5]) for r in rows[:12]], _("Nilai kontrak per komoditas"), fmt=rupiah
        )
    )
    return page


def _flow_columns():
    return (
        Column("origin", _("Kode asal"), "code"),
        Column("origin_name", _("Dari")),
        Column("destination", _("Kode tujuan"), "code"),
        Column("destination_name", _("Ke")),
        Column("contracts", _("Kontrak"), "int"),
        Column("volume", _("Volume"), "int"),
        Column("value", _("Nilai (Rp)"), "rupiah"),
    )


def flow_page(f: Filters, today: date) -> Page:
    names = _regency_names()
    matrix = flows.regency_matrix(queries.edges(f))

    def row(x: flows.RegencyFlow):
        return (
            x.origin,
            names.get(x.origin, x.origin),
            x.destination,
            names.get(x.destination, x.destination),
            x.contracts,
            x.volume,
            x.value,
        )

    page = Page("flows")
    page.tables.append(
        Table(
            "corridors",
            _("Koridor teratas (antarkabupaten)"),
            _flow_columns(),
            [row(x) for x in flows.top_corridors(matrix)],
        )
    )
    page.tables.append(
        Table(
            "regency_flows",
            _("Arus antar kabupaten/kota"),
            _flow_columns(),
            [row(x) for x in matrix],
        )
    )
    totals = flows.regency_totals(matrix)
    page.tables.append(
        Table(
            "regency_totals",
            _("Jual dan beli per kabupaten/kota"),
            (
                Column("code", _("Kode"), "code"),
                Column("name", _("Kabupaten/kota")),
                Column("sold", _("Dijual (Rp)"), "rupiah"),
                Column("bought", _("Dibeli (Rp)"), "rupiah"),
            ),
            sorted(
                ((c, names.get(c, c), s, b) for c, (s, b) in totals.items()),
                key=lambda r: (-(r[2] + r[3]), r[0]),
            ),
        )
    )
    points = [svg.Point(r.code, r.short_name, r.lat, r.lon) for r in queries.regencies()]
    lines = [svg.Line(x.origin, x.destination, x.value) for x in matrix]
    page.charts["map"] = _safe(
        svg.flow_map(
            points,
            lines,
            _("Peta arus dagang Jawa Timur"),
            fmt=rupiah,
            outline=svg.east_java_outline(),
        )
    )
    return page


@lru_cache(maxsize=8)
def _network(edges: tuple[flows.Edge, ...]) -> flows.Network:
    # Betweenness is the slow part; the same edges (same data, same filters) reuse the result.
    return flows.network(list(edges))


def network_page(f: Filters, today: date) -> Page:
    edges = tuple(queries.edges(f))
    net = _network(edges)
    ids = [c.pesantren_id for c in net.by_degree + net.by_betweenness]
    ids += [r.pesantren_id for r in net.sell_only + net.buy_only]
    ids += [m for c in net.clusters for m in c.members[:5]]
    people = queries.pesantren_names(ids)
    regencies = _regency_names()

    def who(pid):
        name, code = people.get(pid, (str(pid), ""))
        return (pid, name, regencies.get(code, code))

    who_cols = (
        Column("id", _("ID"), "code"),
        Column("name", _("Pesantren")),
        Column("regency", _("Kabupaten/kota")),
    )
    central_cols = (
        *who_cols,
        Column("partners", _("Mitra"), "int"),
        Column("degree", _("Sentralitas derajat"), "float"),
        Column("betweenness", _("Sentralitas antara"), "float"),
        Column("value", _("Nilai (Rp)"), "rupiah"),
    )
    page = Page("network", facts={"network": net})
    for name, title, items in (
        ("central_degree", _("Paling banyak mitra (derajat)"), net.by_degree),
        ("central_betweenness", _("Paling menjembatani (antara)"), net.by_betweenness),
    ):
        page.tables.append(
            Table(
                name,
                title,
                central_cols,
                [
                    (*who(c.pesantren_id), c.degree, c.degree_centrality, c.betweenness, c.value)
                    for c in items
                ],
            )
        )
    page.tables.append(
        Table(
            "clusters",
            _("Kelompok yang berdagang di antara mereka"),
            (
                Column("number", _("Kelompok"), "int"),
                Column("size", _("Anggota"), "int"),
                Column("value", _("Nilai di dalam (Rp)"), "rupiah"),
                Column("regencies", _("Kabupaten/kota")),
                Column("members", _("Contoh anggota")),
            ),
            [
                (
                    c.number,
                    len(c.members),
                    c.internal_value,
                    ", ".join(regencies.get(r, r) for r in c.regencies),
                    ", ".join(people.get(m, (str(m), ""))[0] for m in c.members[:5]),
                )
                for c in net.clusters[:30]
            ],
        )
    )
    side_cols = (
        *who_cols,
        Column("partners", _("Mitra"), "int"),
        Column("value", _("Nilai (Rp)"), "rupiah"),
    )
    page.tables.append(
        Table(
            "sell_only",
            _("Hanya menjual"),
            side_cols,
            [(*who(r.pesantren_id), r.partners, r.value) for r in net.sell_only[:50]],
        )
    )
    page.tables.append(
        Table(
            "buy_only",
            _("Hanya membeli"),
            side_cols,
            [(*who(r.pesantren_id), r.partners, r.value) for r in net.buy_only[:50]],
        )
    )
    pairs = [(e.seller_id, e.buyer_id, e.value) for e in edges]
    names = queries.pesantren_names(network_svg.top_nodes(pairs))
    page.charts["picture"] = _safe(
        network_svg.network_picture(
            pairs,
            {pid: name for pid, (name, _code) in names.items()},
            _("Jaringan dagang: siapa berdagang dengan siapa"),
            fmt=rupiah,
        )
    )
    page.charts["degree"] = _safe(
        svg.bar_chart(
            [(who(c.pesantren_id)[1], c.degree) for c in net.by_degree],
            _("Mitra dagang per pesantren"),
            fmt=number,
        )
    )
    return page


def unmet_page(f: Filters, today: date) -> Page:
    instance, opens = queries.open_listings(f, today)
    by_id = {x.listing_id: x for x in opens}
    result = reach(
        instance,
        {x.listing_id: x.remaining for x in opens if x.side == Side.REQUEST},
        {x.listing_id: x.remaining for x in opens if x.side == Side.OFFER},
    )
    catalogue = {c.id: c for c in queries.commodities()}
    regencies = _regency_names()

    def keep(listing) -> bool:
        return not f.regency_code or listing.regency == f.regency_code

    demand: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for g in result.gaps:
        r = by_id[g.request_id]
        if keep(r):
            demand[(r.commodity_id, r.regency)][0] += 1
            demand[(r.commodity_id, r.regency)][1] += g.unmet
    idle: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for oid, q in result.idle.items():
        o = by_id[oid]
        if keep(o):
            idle[(o.commodity_id, o.regency)][0] += 1
            idle[(o.commodity_id, o.regency)][1] += q
    place_cols = lambda what: (  # noqa: E731 - two tables, one shape
        Column("commodity", _("Komoditas")),
        Column("unit", _("Satuan")),
        Column("regency_code", _("Kode"), "code"),
        Column("regency", _("Kabupaten/kota")),
        Column("listings", what, "int"),
        Column("quantity", _("Jumlah"), "int"),
    )

    def place_rows(cells):
        rows = [
            (catalogue[c].name(_locale()), catalogue[c].unit, r, regencies.get(r, r), n, q)
            for (c, r), (n, q) in cells.items()
        ]
        return sorted(rows, key=lambda x: (-x[5], x[0], x[2]))

    page = Page("unmet")
    page.tables.append(
        Table(
            "unmet_demand",
            _("Permintaan tanpa penawaran dalam jangkauan"),
            place_cols(_("Permintaan")),
            place_rows(demand),
        )
    )
    page.tables.append(
        Table(
            "idle_supply",
            _("Pasokan yang menganggur"),
            place_cols(_("Penawaran")),
            place_rows(idle),
        )
    )
    gaps = [g for g in result.gaps if keep(by_id[g.request_id])][:50]
    people = queries.pesantren_names(
        [by_id[g.request_id].pesantren_id for g in gaps]
        + [by_id[g.offer_id].pesantren_id for g in gaps if g.offer_id]
    )
    blocked = {
        "price": _("harga"),
        "distance": _("jarak"),
        "quantity": _("jumlah"),
        "none": _("tidak ada penawaran"),
    }
    rows = []
    for g in gaps:
        r = by_id[g.request_id]
        o = by_id.get(g.offer_id)
        rows.append(
            (
                g.request_id,
                people.get(r.pesantren_id, ("", ""))[0],
                regencies.get(r.regency, r.regency),
                catalogue[r.commodity_id].name(_locale()),
                g.unmet,
                r.price,
                g.offer_id,
                people.get(o.pesantren_id, ("", ""))[0] if o else "",
                regencies.get(o.regency, o.regency) if o else "",
                g.distance_km,
                g.delivered_price,
                g.price_gap,
                blocked[g.blocked_by],
            )
        )
    page.tables.append(
        Table(
            "connections",
            _("Yang bisa menghubungkan: penawaran terdekat dan selisih harga"),
            (
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
            ),
            rows,
        )
    )
    top = sorted(demand.items(), key=lambda kv: (-kv[1][1], kv[0]))[:10]
    page.charts["unmet"] = _safe(
        svg.bar_chart(
            [
                (f"{catalogue[c].name(_locale())} · {regencies.get(r, r)}", q)
                for (c, r), (_n, q) in top
            ],
            _("Permintaan belum terpenuhi"),
            fmt=number,
        )
    )
    return page


def price_page(f: Filters, today: date) -> Page:
    rows = queries.prices(f)
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
        page.charts["prices"] = _safe(
            svg.line_chart(
                weeks,
                [
                    (_("Penawaran"), [r[4] for r in rows]),
                    (_("Permintaan"), [r[5] for r in rows]),
                    (_("Kontrak"), [r[6] for r in rows]),
                ],
                _("Median harga per minggu"),
                reference=rows[0][7],
                reference_label=_("Harga acuan"),
                fmt=rupiah,
            )
        )
    return page


PAGES = {
    "overview": overview,
    "flows": flow_page,
    "network": network_page,
    "unmet": unmet_page,
    "prices": price_page,
}
# Which page computes which table (for the CSV export).
TABLES = {
    "summary": "overview",
    "commodities": "overview",
    "corridors": "flows",
    "regency_flows": "flows",
    "regency_totals": "flows",
    "central_degree": "network",
    "central_betweenness": "network",
    "clusters": "network",
    "sell_only": "network",
    "buy_only": "network",
    "unmet_demand": "unmet",
    "idle_supply": "unmet",
    "connections": "unmet",
    "prices": "prices",
}
