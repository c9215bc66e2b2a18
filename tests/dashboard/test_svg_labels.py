"""Chart labels a staff member can tell apart, labels that do not overlap, a drawn network."""

import re

from exchange.dashboard import network_svg, svg


def test_the_common_prefix_is_shortened_so_names_differ():
    names = [f"Pondok Pesantren Raudlatul {x}" for x in ("Ulum Pasuruan", "Jannah Malang")]
    chart = svg.bar_chart([(n, 10) for n in names], "t")
    assert "PP Raudlatul" in chart and "Pondok Pesantren Raudlat" not in chart.split("<rect")[0]
    assert "Pasuruan" in chart and "Malang" in chart  # the distinguishing part is drawn


def test_long_labels_wrap_instead_of_being_cut():
    lines = svg.wrap("Kab. Probolinggo · Beras medium kualitas dua", 24)
    assert len(lines) == 2 and lines[0].startswith("Kab. Probolinggo")


def _boxes(chart: str):
    return [(float(x), float(y)) for x, y in re.findall(r'<text x="([\d.]+)" y="([\d.]+)"', chart)]


def test_flow_map_labels_do_not_overlap():
    points = [
        svg.Point(f"35{i:02d}", f"Kabupaten Nama{i}", -7.5, 112.0 + i * 0.01) for i in range(8)
    ]
    lines = [svg.Line(points[i].code, points[i + 1].code, 100 - i) for i in range(7)]
    chart = svg.flow_map(points, lines, "peta", labels=8)
    spots = _boxes(chart)
    assert len(spots) < 8  # crowded names are left out rather than drawn over each other
    assert len(set(spots)) == len(spots)


def test_the_network_picture_is_drawn_and_deterministic():
    edges = [(1, 2, 500), (2, 3, 300), (3, 1, 100), (4, 1, 50), (5, 6, 10)]
    names = {i: f"Pondok Pesantren Nomor {i}" for i in range(1, 7)}
    first = network_svg.network_picture(edges, names, "jaringan")
    assert first == network_svg.network_picture(edges, names, "jaringan")
    assert first.count("<circle") == 6 and first.count("<line") == 5
    assert "PP Nomor 1" in first
    # every circle carries its number; the key under the picture names them, biggest first
    assert first.count("</text>") == 6
    key = first.split('<ol class="chart-key">')[1]
    assert key.index("PP Nomor 2") < key.index("PP Nomor 1") < key.index("PP Nomor 3")
    assert network_svg.top_nodes(edges, 2) == [2, 1]  # 800 and 650 traded


def test_the_flow_map_draws_java_and_madura_from_natural_earth():
    rings = svg.east_java_outline()
    assert len(rings) >= 3  # Java, Madura, Bali and small islands
    madura = [r for r in rings if all(112.6 < lon < 114.2 and -7.3 < lat < -6.8 for lon, lat in r)]
    assert madura and len(madura[0]) > 20
    points = [
        svg.Point("3578", "Kota Surabaya", -7.25, 112.75),
        svg.Point("3529", "Kab. Sumenep", -7.0, 113.86),
    ]
    chart = svg.flow_map(points, [svg.Line("3578", "3529", 10)], "peta", outline=rings)
    assert chart.count("<polygon") == len(rings)
