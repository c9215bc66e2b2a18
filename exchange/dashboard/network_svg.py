"""The trade network as an SVG picture: the busiest pesantren on a circle, their trade as
chords. Server-side, no JavaScript (dashboard/svg.py has the shared drawing helpers)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import networkx as nx

from exchange.dashboard.svg import esc, num, overlaps, short_label, svg_open, wrap


def _totals(edges) -> tuple[dict[int, int], dict[tuple[int, int], int]]:
    value: dict[int, int] = {}
    pairs: dict[tuple[int, int], int] = {}
    for a, b, v in edges:
        if a == b or v <= 0:
            continue
        value[a] = value.get(a, 0) + v
        value[b] = value.get(b, 0) + v
        key = (min(a, b), max(a, b))
        pairs[key] = pairs.get(key, 0) + v
    return value, pairs


def top_nodes(edges: Sequence[tuple[int, int, int]], top: int = 40) -> list[int]:
    """The ``top`` nodes by traded value (both directions), biggest first, ties by id."""
    value, _pairs = _totals(edges)
    return sorted(value, key=lambda n: (-value[n], n))[:top]


def network_picture(
    edges: Sequence[tuple[int, int, int]],
    names: dict[int, str],
    title: str,
    fmt: Callable[[int], str] = str,
    width: int = 560,
    height: int = 420,
    top: int = 40,
    labels: int = 10,
) -> str:
    """Who trades with whom: the ``top`` pesantren by traded value, placed by a force layout
    (networkx, fixed seed: the same data always gives the same picture), a line per trading
    pair (thicker for more value), the ``labels`` biggest named, labels never overlapping."""
    out = svg_open(width, height, title)
    out.append(f'<rect width="{width}" height="{height}" fill="#f6f8f6"/>')
    value, pairs = _totals(edges)
    keep = top_nodes(edges, top)
    if not keep:
        return "\n".join([*out, "</svg>"])
    chosen = set(keep)
    graph = nx.Graph()
    graph.add_nodes_from(sorted(chosen))
    graph.add_weighted_edges_from(
        (a, b, v) for (a, b), v in sorted(pairs.items()) if a in chosen and b in chosen
    )
    pos = nx.spring_layout(graph, seed=7, weight=None, iterations=80)
    pad = 30
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span_x, span_y = max(max(xs) - min(xs), 1e-6), max(max(ys) - min(ys), 1e-6)

    def xy(n: int) -> tuple[float, float]:
        x, y = pos[n]
        return (
            pad + (x - min(xs)) / span_x * (width - 2 * pad),
            pad + (y - min(ys)) / span_y * (height - 2 * pad),
        )

    heaviest = max((d["weight"] for _a, _b, d in graph.edges(data=True)), default=1)
    out.append('<g stroke="#2b6cb0" stroke-opacity="0.45" stroke-linecap="round">')
    for a, b, d in sorted(graph.edges(data=True)):
        (ax, ay), (bx, by) = xy(a), xy(b)
        w = 1 + 5 * d["weight"] / heaviest
        label = f"{names.get(a, a)} – {names.get(b, b)}: {fmt(d['weight'])}"
        out.append(
            f'<line x1="{num(ax)}" y1="{num(ay)}" x2="{num(bx)}" y2="{num(by)}" '
            f'stroke-width="{num(w)}"><title>{esc(label)}</title></line>'
        )
    out.append("</g>")
    biggest = value[keep[0]]
    out.append('<g fill="#0b6b3a">')
    for n in sorted(chosen):
        x, y = xy(n)
        r = 3 + 7 * math.sqrt(value[n] / biggest)
        out.append(
            f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}">'
            f"<title>{esc(names.get(n, n))}: {esc(fmt(value[n]))}</title></circle>"
        )
    out.append("</g>")
    out.append(
        '<g font-size="13" fill="#1d2a24" font-family="sans-serif" '
        'stroke="#f6f8f6" stroke-width="3" paint-order="stroke">'
    )
    placed: list[tuple[float, float, float, float]] = []
    for n in keep[:labels]:
        x, y = xy(n)
        text = wrap(short_label(names.get(n, n)), 30, 1)[0]
        w, h = 7.0 * len(text), 13.0
        for bx, by, anchor in (
            (x + 9, y + 4, "start"),
            (x - 9, y + 4, "end"),
            (x, y - 10, "middle"),
            (x, y + 20, "middle"),
        ):
            left = {"start": bx, "end": bx - w, "middle": bx - w / 2}[anchor]
            box = (left, by - h, left + w, by)
            inside = box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
            if inside and not any(overlaps(box, other) for other in placed):
                placed.append(box)
                out.append(
                    f'<text x="{num(bx)}" y="{num(by)}" text-anchor="{anchor}">{esc(text)}</text>'
                )
                break
    out.append("</g></svg>")
    return "\n".join(out)
