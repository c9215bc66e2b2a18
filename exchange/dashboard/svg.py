"""Charts drawn by the server as SVG: East Java's flows, bars and lines. No tiles, no script.

Pure and deterministic: plain values in, an SVG string out, coordinates rounded to one decimal.
Every piece of text is escaped. The SVG scales to the width of its container (viewBox), so a
phone shows it whole; the numbers are always in a table beside it as well.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path

OUTLINE_FILE = Path(__file__).resolve().parents[1] / "data/east_java_outline.json"


@cache
def east_java_outline() -> tuple[tuple[tuple[float, float], ...], ...]:
    """The coastline of Java (east of 110.4 E), Madura, Bali and the small islands, as
    (longitude, latitude) rings: Natural Earth 1:10m land, simplified (the file says how)."""
    rings = json.loads(OUTLINE_FILE.read_text(encoding="utf-8"))["rings"]
    return tuple(tuple((lon, lat) for lon, lat in ring) for _name, ring in sorted(rings.items()))


PALETTE = ("#0b6b3a", "#c05621", "#2b6cb0", "#805ad5", "#b7791f")
MIN_STROKE, MAX_STROKE = 1.0, 12.0


@dataclass(frozen=True)
class Point:
    code: str
    label: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Line:
    origin: str
    destination: str
    value: int


def num(x: float) -> str:
    text = f"{x:.1f}"
    return "0.0" if text == "-0.0" else text


def esc(text) -> str:
    return escape(str(text), quote=True)


# Prefixes that almost every name shares: shortened, so the part that tells names apart shows.
_PREFIXES = (
    ("Pondok Pesantren ", "PP "),
    ("Ponpes ", "PP "),
    ("Kabupaten ", "Kab. "),
)


def short_label(text) -> str:
    """``Pondok Pesantren Raudlatul Ulum Pasuruan`` -> ``PP Raudlatul Ulum Pasuruan``."""
    text = str(text)
    for long, short in _PREFIXES:
        text = text.replace(long, short)
    return text


def wrap(text: str, width: int = 22, lines: int = 2) -> list[str]:
    """Words on up to ``lines`` lines of about ``width`` characters; the last ends in "…" when
    the text is longer still."""
    out: list[str] = []
    current = ""
    for word in str(text).split():
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        out.append(current)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return [line if len(line) <= width + 4 else line[: width + 3] + "…" for line in out]


# Text is drawn at FONT units in pictures about 360 units wide: a phone of 390 px shows them at
# about 340 px, so the text is never under 12 px; a wide screen shows them at 1.5 times.
FONT = 13
CHAR_W = 0.6 * FONT  # a generous average width of one character, for placing labels
SHOWN = 1.5  # the picture's width on a wide screen, in units of its own width


def svg_open(width: int, height: int, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{round(width * SHOWN)}" role="img" aria-label="{esc(title)}" class="chart">',
        f"<title>{esc(title)}</title>",
    ]


_MARKS = {
    "bar": '<rect x="0" y="2" width="20" height="10" fill="{c}"/>',
    "line": '<line x1="0" y1="7" x2="20" y2="7" stroke="{c}" stroke-width="3"/>',
    "dashed": '<line x1="0" y1="7" x2="20" y2="7" stroke="{c}" stroke-width="2" '
    'stroke-dasharray="5 3"/>',
    "dot": '<circle cx="10" cy="7" r="5" fill="{c}"/>',
    "thick": '<line x1="0" y1="3" x2="20" y2="3" stroke="{c}" stroke-width="1"/>'
    '<line x1="0" y1="10" x2="20" y2="10" stroke="{c}" stroke-width="5"/>',
}


def legend(items: Sequence[tuple[str, str, str]], key: Sequence[str] = ()) -> str:
    """The legend under a chart, as HTML text (never too small, never clipped): (mark, colour,
    words) items, and a numbered key of the labels the picture shows as numbers."""
    marks = "".join(
        f'<li><svg class="swatch" width="20" height="14" viewBox="0 0 20 14" aria-hidden="true">'
        f"{_MARKS[mark].format(c=esc(colour))}</svg> {esc(text)}</li>"
        for mark, colour, text in items
    )
    numbered = "".join(f"<li>{esc(text)}</li>" for text in key)
    return (
        '<figcaption class="chart-legend">'
        + (f"<ul>{marks}</ul>" if marks else "")
        + (f'<ol class="chart-key">{numbered}</ol>' if numbered else "")
        + "</figcaption>"
    )


def text_box(x: float, y: float, text: str, anchor: str = "start", font: float = FONT):
    """The box a label takes (generously): left, top, right, bottom."""
    w = CHAR_W * font / FONT * len(text)
    left = {"start": x, "end": x - w, "middle": x - w / 2}[anchor]
    return (left, y - font, left + w, y + 0.3 * font)


def flow_map(
    points: Sequence[Point],
    lines: Sequence[Line],
    title: str,
    fmt: Callable[[int], str] = str,
    width: int = 360,
    height: int = 230,
    max_lines: int = 60,
    labels: int = 8,
    outline: Sequence[Sequence[tuple[float, float]]] = (),
    legend_html: str = "",
) -> str:
    """Regencies at their coordinates; flows as curves, thicker for more value.

    A flow bends to its right, so the two directions between two regencies stay apart. Only
    the ``max_lines`` largest flows are drawn and up to ``labels`` of the busiest regencies
    named, each where it covers no other name and no dot (a name with no such place is left to
    the table). ``legend_html`` (``legend()``) follows the picture.
    """
    out = svg_open(width, height, title)
    out.append(f'<rect width="{width}" height="{height}" fill="#dcebf2"/>')
    if not points:
        return "\n".join([*out, "</svg>", legend_html])
    pad = 16
    lats = [p.lat for p in points]
    lons = [p.lon for p in points]
    # Equirectangular projection with the longitude shrunk by cos(latitude): fine at 7-8 deg S.
    k = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * k, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    x0 = (width - span_x * scale) / 2
    y0 = (height - span_y * scale) / 2

    def xy(p: Point) -> tuple[float, float]:
        return x0 + (p.lon - min(lons)) * k * scale, y0 + (max(lats) - p.lat) * scale

    if outline:  # the land under the flows, clipped by the picture's own edges
        out.append('<g fill="#fdfcf7" stroke="#9fb3a8" stroke-width="1">')
        for ring in outline:
            spots = " ".join(
                f"{num(x)},{num(y)}" for x, y in (xy(Point("", "", lat, lon)) for lon, lat in ring)
            )
            out.append(f'<polygon points="{spots}"/>')
        out.append("</g>")
    where = {p.code: xy(p) for p in points}
    names = {p.code: p.label for p in points}
    drawn = sorted(
        (ln for ln in lines if ln.value > 0 and ln.origin in where and ln.destination in where),
        key=lambda ln: (-ln.value, ln.origin, ln.destination),
    )[:max_lines]
    top = drawn[0].value if drawn else 1
    throughput: dict[str, int] = {}
    out.append('<g fill="none" stroke="#c05621" stroke-opacity="0.55" stroke-linecap="round">')
    for ln in reversed(drawn):  # the thickest last, on top
        throughput[ln.origin] = throughput.get(ln.origin, 0) + ln.value
        throughput[ln.destination] = throughput.get(ln.destination, 0) + ln.value
        w = MIN_STROKE + (MAX_STROKE - MIN_STROKE) * ln.value / top
        label = f"{names[ln.origin]} → {names[ln.destination]}: {fmt(ln.value)}"
        (ax, ay), (bx, by) = where[ln.origin], where[ln.destination]
        if ln.origin == ln.destination:
            path = f"M{num(ax)},{num(ay)} m-{num(w)},0 a{num(w)},{num(w)} 0 1,0 {num(2 * w)},0"
            path += f" a{num(w)},{num(w)} 0 1,0 -{num(2 * w)},0"
        else:
            mx, my = (ax + bx) / 2, (ay + by) / 2
            dx, dy = bx - ax, by - ay
            cx, cy = mx - dy * 0.2, my + dx * 0.2  # bend to the right of the direction
            path = f"M{num(ax)},{num(ay)} Q{num(cx)},{num(cy)} {num(bx)},{num(by)}"
        out.append(f'<path d="{path}" stroke-width="{num(w)}"><title>{esc(label)}</title></path>')
    out.append("</g>")
    out.append('<g fill="#0b6b3a">')
    dots: list[tuple[float, float, float, float]] = []
    for p in sorted(points, key=lambda p: p.code):
        x, y = where[p.code]
        r = 4.0 if p.code in throughput else 2.5
        dots.append((x - r - 1, y - r - 1, x + r + 1, y + r + 1))
        out.append(
            f'<circle cx="{num(x)}" cy="{num(y)}" r="{r}"><title>{esc(p.label)}</title></circle>'
        )
    out.append("</g>")
    named = sorted(throughput, key=lambda c: (-throughput[c], c))[:labels]
    out.append(
        f'<g font-size="{FONT}" fill="#1d2a24" font-family="sans-serif" '
        'stroke="#fdfcf7" stroke-width="3" paint-order="stroke">'
    )
    placed: list[tuple[float, float, float, float]] = []
    for code in named:  # the busiest first: they get the best places
        x, y = where[code]
        text = short_label(names[code])
        for bx, by, anchor in (
            (x + 7, y + 5, "start"),
            (x - 7, y + 5, "end"),
            (x, y - 8, "middle"),
            (x, y + 18, "middle"),
            (x + 6, y - 6, "start"),
            (x + 6, y + 16, "start"),
            (x - 6, y - 6, "end"),
            (x - 6, y + 16, "end"),
        ):
            box = text_box(bx, by, text, anchor)
            inside = box[0] >= 1 and box[2] <= width - 1 and box[1] >= 1 and box[3] <= height - 1
            if inside and not any(overlaps(box, other) for other in placed + dots):
                placed.append(box)
                out.append(
                    f'<text x="{num(bx)}" y="{num(by)}" text-anchor="{anchor}">{esc(text)}</text>'
                )
                break
    out.append("</g></svg>")
    out.append(legend_html)
    return "\n".join(out)


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def bar_chart(
    rows: Sequence[tuple],
    title: str,
    fmt: Callable[[float], str] = str,
    width: int = 340,
    bar: int = 16,
    legend_html: str = "",
) -> str:
    """Horizontal bars, largest first as given: each name whole on its own line(s) above its
    bar, the value with its unit after the bar (inside it when the bar is long). A row is
    (label, value) or (label, value, value's text)."""
    gap, line_h = 10, 16
    out: list[str] = []
    top = max((r[1] for r in rows), default=0) or 1
    per_line = int((width - 4) / CHAR_W)
    y = 4.0
    for row in rows:
        label, value = row[0], row[1]
        shown = row[2] if len(row) > 2 else fmt(value)
        lines = wrap(short_label(label), per_line - 4, 3)
        spans = "".join(
            f'<tspan x="0" y="{num(y + FONT + line_h * k)}">{esc(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        out.append(f'<text font-size="{FONT}" font-family="sans-serif">{spans}</text>')
        y += line_h * len(lines) + 3
        w = max((width - 2) * value / top, 0)
        out.append(
            f'<rect x="0" y="{num(y)}" width="{num(w)}" height="{bar}" fill="{PALETTE[0]}">'
            f"<title>{esc(label)}: {esc(shown)}</title></rect>"
        )
        text_w = CHAR_W * len(shown)
        if w + 4 + text_w <= width:
            x, anchor, colour = w + 4, "start", "#1d2a24"
        else:
            x, anchor, colour = w - 4, "end", "#ffffff"
        out.append(
            f'<text x="{num(x)}" y="{num(y + bar - 3)}" font-size="{FONT}" '
            f'font-family="sans-serif" text-anchor="{anchor}" fill="{colour}">{esc(shown)}</text>'
        )
        y += bar + gap
    height = max(round(y), 20)
    return "\n".join([*svg_open(width, height, title), *out, "</svg>", legend_html])


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    title: str,
    reference: float | None = None,
    reference_label: str = "",
    fmt: Callable[[float], str] = str,
    width: int = 360,
    height: int = 240,
) -> str:
    """Lines over the x labels (weeks); gaps where a value is missing; a dashed reference. The
    legend (the series' colours, the reference) follows the picture as HTML."""
    values = [v for _, vs in series for v in vs if v is not None]
    if reference is not None:
        values.append(reference)
    hi = max(values, default=1) * 1.1 or 1
    lo = 0.0
    ticks = [lo + (hi - lo) * step / 4 for step in range(5)]
    left = max(CHAR_W * max(len(fmt(v)) for v in ticks) + 8, 40)
    right, top_pad, bottom = 26, 14, 30
    out = svg_open(width, height, title)
    n = max(len(x_labels), 1)

    def px(i: int) -> float:
        return left + (width - left - right) * (i + 0.5) / n

    def py(v: float) -> float:
        return height - bottom - (height - bottom - top_pad) * (v - lo) / (hi - lo)

    out.append(f'<g font-size="{FONT}" font-family="sans-serif" fill="#3c4b43">')
    for v in ticks:
        out.append(
            f'<line x1="{num(left)}" x2="{width - right}" y1="{num(py(v))}" y2="{num(py(v))}" '
            f'stroke="#dbe3de"/><text x="{num(left - 4)}" y="{num(py(v) + 4)}" '
            f'text-anchor="end">{esc(fmt(v))}</text>'
        )
    widest = CHAR_W * max((len(x) for x in x_labels), default=1) + 8
    every = max(1, math.ceil(widest / ((width - left - right) / n)))
    for i, label in enumerate(x_labels):
        if i % every == 0:
            out.append(
                f'<text x="{num(px(i))}" y="{height - bottom + 18}" '
                f'text-anchor="middle">{esc(label)}</text>'
            )
    out.append("</g>")
    items = []
    if reference is not None:
        y = num(py(reference))
        out.append(
            f'<line x1="{num(left)}" x2="{width - right}" y1="{y}" y2="{y}" stroke="#555" '
            f'stroke-dasharray="6 4"><title>{esc(reference_label)}: {esc(fmt(reference))}</title>'
            "</line>"
        )
    for k, (name, vs) in enumerate(series):
        colour = PALETTE[(k + 1) % len(PALETTE)]
        items.append(("line", colour, name))
        run: list[str] = []
        runs: list[list[str]] = []
        for i, v in enumerate(vs):
            if v is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append(f"{num(px(i))},{num(py(v))}")
            out.append(
                f'<circle cx="{num(px(i))}" cy="{num(py(v))}" r="3" fill="{colour}">'
                f"<title>{esc(name)} {esc(x_labels[i])}: {esc(fmt(v))}</title></circle>"
            )
        if run:
            runs.append(run)
        for r in runs:
            out.append(
                f'<polyline points="{" ".join(r)}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
    if reference is not None:
        items.append(("dashed", "#555", f"{reference_label}: {fmt(reference)}"))
    out.append("</svg>")
    out.append(legend(items))
    return "\n".join(out)
