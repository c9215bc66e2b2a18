"""Chart labels a staff member can tell apart, labels that do not overlap, a drawn network."""

import re

from exchange.dashboard import svg


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
    first = svg.network_picture(edges, names, "jaringan")
    assert first == svg.network_picture(edges, names, "jaringan")
    assert first.count("<circle") == 6 and first.count("<line") == 5
    assert "PP Nomor 1" in first
    assert svg.top_nodes(edges, 2) == [2, 1]  # 800 and 650 traded
