"""The dashboard's pages as data: SQL aggregates (queries) + pure summaries (flows, reach) +
charts (svg), laid out as named tables that the page shows and the CSV export reuses.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from exchange.dashboard import flows, memo, network_svg, queries, svg
from exchange.dashboard.filters import Filters
from exchange.dashboard.page import Page, locale_name, regency_names, safe
from exchange.dashboard.price_report import price_page
from exchange.dashboard.tables import Column, Table
from exchange.dashboard.unmet_report import unmet_page
from exchange.i18n import number, rupiah


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
    names = {c.slug: c.name(locale_name()) for c in queries.commodities()}
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
    page.charts["commodities"] = safe(
        svg.bar_chart(
            [(r[1], r[5]) for r in rows[:12]],
            _("Nilai kontrak per komoditas"),
            fmt=rupiah,
            legend_html=svg.legend(
                [("bar", svg.PALETTE[0], _("Nilai kontrak yang disepakati dalam periode (Rp)"))]
            ),
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
    names = regency_names()
    matrix = memo.kept(
        "regency_matrix", f, lambda: tuple(flows.regency_matrix(list(queries.kept_edges(f))))
    )

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
    points = tuple(svg.Point(r.code, r.short_name, r.lat, r.lon) for r in queries.regencies())

    def draw_map() -> str:
        lines = [svg.Line(x.origin, x.destination, x.value) for x in matrix]
        title = _("Peta arus dagang Jawa Timur")
        largest = max((x.value for x in matrix), default=0)
        words = svg.legend(
            [
                (
                    "thick",
                    "#c05621",
                    _(
                        "Garis: arus dagang dari kabupaten penjual ke kabupaten pembeli, "
                        "melengkung ke kanan arah arusnya; makin tebal makin besar nilainya "
                        "(terbesar %(value)s).",
                        value=rupiah(largest),
                    ),
                ),
                (
                    "dot",
                    "#0b6b3a",
                    _("Titik besar: kabupaten/kota yang berdagang; titik kecil: belum."),
                ),
                (
                    "line",
                    "#1d2a24",
                    _("Nama hanya untuk kabupaten tersibuk; semua arus ada di tabel."),
                ),
            ]
        )
        return svg.flow_map(
            list(points),
            lines,
            title,
            fmt=rupiah,
            outline=svg.east_java_outline(),
            legend_html=words,
        )

    # The drawing is kept per facts version, in the reader's language, with the regencies drawn.
    page.charts["map"] = safe(memo.kept("flow_map", (f, locale_name(), points), draw_map))
    return page


def network_page(f: Filters, today: date) -> Page:
    edges = queries.kept_edges(f)
    # Betweenness is the slow part: kept per facts version, like the edges.
    net = memo.kept("network", f, lambda: flows.network(list(edges)))
    ids = [c.pesantren_id for c in net.by_degree + net.by_betweenness]
    ids += [r.pesantren_id for r in net.sell_only + net.buy_only]
    ids += [m for c in net.clusters for m in c.members[:5]]
    people = queries.pesantren_names(ids)
    regencies = regency_names()

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

    def pairs() -> list[tuple[int, int, int]]:
        return [(e.seller_id, e.buyer_id, e.value) for e in edges]

    top = memo.kept("top_nodes", f, lambda: tuple(network_svg.top_nodes(pairs())))
    named = queries.pesantren_names(top).items()
    labels = tuple(sorted((pid, name) for pid, (name, _code) in named))

    def draw() -> str:
        title = _("Jaringan dagang: siapa berdagang dengan siapa")
        words = (
            _("Lingkaran bernomor: pesantren; makin besar makin besar nilai dagangnya (Rp)."),
            _("Garis: dua pesantren yang berdagang; makin tebal makin besar nilainya."),
        )
        return network_svg.network_picture(pairs(), dict(labels), title, fmt=rupiah, words=words)

    # Kept per facts version, in the reader's language, with the names drawn (they may change).
    page.charts["picture"] = safe(memo.kept("network_picture", (f, locale_name(), labels), draw))
    page.charts["degree"] = safe(
        svg.bar_chart(
            [(who(c.pesantren_id)[1], c.degree) for c in net.by_degree[:15]],
            _("Mitra dagang per pesantren"),
            fmt=lambda n: _("%(n)s mitra", n=number(n)),
            legend_html=svg.legend(
                [("bar", svg.PALETTE[0], _("Jumlah mitra dagang per pesantren (15 terbanyak)"))]
            ),
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
