"""The server-drawn charts: text escaped, flows thicker for more value, the same every time."""
# ruff: noqa: S314 - parses our own SVG output, to prove it is well-formed XML

import re
from xml.etree import ElementTree

from exchange.dashboard.svg import (
    MAX_STROKE,
    MIN_STROKE,
    Line,
    Point,
    bar_chart,
    flow_map,
    line_chart,
)

POINTS = [
    Point("3529", "Kab. Sumenep", -7.0167, 113.8667),
    Point("3578", "Kota <Surabaya> & co", -7.2575, 112.7521),
    Point("3502", "Kab. Ponorogo", -7.8680, 111.4620),
]


def test_flow_map_is_valid_escaped_svg_with_widths_by_value():
    lines = [Line("3529", "3578", 1000), Line("3502", "3578", 250), Line("3578", "3529", 0)]
    text = flow_map(POINTS, lines, 'Arus "dagang"')
    root = ElementTree.fromstring(text)  # well-formed XML, so every text was escaped
    assert root.tag.endswith("svg")
    assert "&lt;Surabaya&gt; &amp; co" in text
    widths = sorted(float(w) for w in re.findall(r'<path d="[^"]*" stroke-width="([\d.]+)"', text))
    assert widths == [round(MIN_STROKE + (MAX_STROKE - MIN_STROKE) * 0.25, 1), MAX_STROKE]
    assert text == flow_map(POINTS, list(reversed(lines)), 'Arus "dagang"')


def test_flow_map_places_west_left_of_east():
    text = flow_map(POINTS, [], "peta")
    xs = {
        m[2]: float(m[0])
        for m in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="[\d.]+"><title>([^<]+)', text)
    }
    assert xs["Kab. Ponorogo"] < xs["Kab. Sumenep"]


def test_bar_and_line_charts_are_well_formed():
    bars = bar_chart([("Garam <K1>", 10), ("Beras", 5)], "bar & chart")
    ElementTree.fromstring(bars)
    assert bars.count("<rect") == 2
    lines = line_chart(["4 Jan", "11 Jan"], [("Kontrak", [1500, None])], "harga", reference=1400)
    ElementTree.fromstring(f"<div>{lines}</div>")  # the picture and its legend
    assert 'stroke-dasharray="6 4"' in lines
    assert '<figcaption class="chart-legend">' in lines and "Kontrak</li>" in lines


def test_every_value_of_a_bar_chart_carries_its_unit_and_names_are_whole():
    name = "Pondok Pesantren Hidayatul Mubtadiin Ngunut Tulungagung Jawa Timur"
    bars = bar_chart([(name, 12, "12 mitra"), ("Beras · Kab. Sampang", 5)], "t", fmt=str)
    ElementTree.fromstring(bars)
    assert ">12 mitra</text>" in bars and ">5</text>" in bars
    assert "…" not in bars and "Tulungagung" in bars  # wrapped on lines, never cut
