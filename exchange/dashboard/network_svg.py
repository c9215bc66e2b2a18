"""The trade network as an SVG picture: the busiest pesantren on a circle, their trade as
chords. Server-side, no JavaScript (dashboard/svg.py has the shared drawing helpers)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import networkx as nx

from exchange.dashboard.svg import FONT, esc, legend, num, short_label, svg_open


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


def _spread(spots: dict[int, list[float]], radius: dict[int, float], width, height, pad):
    """Push overlapping circles apart (a fixed number of passes in a fixed order: the same data
    gives the same picture) and keep them inside the picture."""
    order = sorted(spots)
    for _round in range(300):
        moved = False
        for i, a in enumerate(order):
            for b in order[i + 1 :]:
                (ax, ay), (bx, by) = spots[a], spots[b]
                need = radius[a] + radius[b] + 3
                dx, dy = bx - ax, by - ay
                dist = math.hypot(dx, dy)
                if dist >= need:
                    continue
                if dist < 1e-6:
                    dx, dy, dist = 1.0, 0.0, 1.0
                push = (need - dist) / 2 + 0.01
                spots[a][0] -= dx / dist * push
                spots[a][1] -= dy / dist * push
                spots[b][0] += dx / dist * push
                spots[b][1] += dy / dist * push
                moved = True
        for n in order:
            r = radius[n]
            spots[n][0] = min(max(spots[n][0], pad + r), width - pad - r)
            spots[n][1] = min(max(spots[n][1], pad + r), height - pad - r)
        if not moved:
            break


def network_picture(
    edges: Sequence[tuple[int, int, int]],
    names: dict[int, str],
    title: str,
    fmt: Callable[[int], str] = str,
    width: int = 360,
    height: int = 340,
    top: int = 30,
    words: Sequence[str] = (),
) -> str:
    """Who trades with whom: the ``top`` pesantren by traded value, placed by a force layout
    (networkx, fixed seed: the same data always gives the same picture) and spread so no two
    circles touch, a line per trading pair (thicker for more value). Each circle carries its
    number; the key under the picture names them all, biggest first, with their value.
    ``words`` are the legend's two sentences (circles, lines)."""
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
    pad = 4
    biggest = value[keep[0]]
    radius = {n: 10 + 5 * math.sqrt(value[n] / biggest) for n in chosen}
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span_x, span_y = max(max(xs) - min(xs), 1e-6), max(max(ys) - min(ys), 1e-6)
    inner = 20 + pad
    spots = {
        n: [
            inner + (pos[n][0] - min(xs)) / span_x * (width - 2 * inner),
            inner + (pos[n][1] - min(ys)) / span_y * (height - 2 * inner),
        ]
        for n in sorted(chosen)
    }
    _spread(spots, radius, width, height, pad)
    heaviest = max((d["weight"] for _a, _b, d in graph.edges(data=True)), default=1)
    out.append('<g stroke="#2b6cb0" stroke-opacity="0.45" stroke-linecap="round">')
    for a, b, d in sorted(graph.edges(data=True)):
        (ax, ay), (bx, by) = spots[a], spots[b]
        w = 1 + 5 * d["weight"] / heaviest
        label = f"{names.get(a, a)} – {names.get(b, b)}: {fmt(d['weight'])}"
        out.append(
            f'<line x1="{num(ax)}" y1="{num(ay)}" x2="{num(bx)}" y2="{num(by)}" '
            f'stroke-width="{num(w)}"><title>{esc(label)}</title></line>'
        )
    out.append("</g>")
    number = {n: k for k, n in enumerate(keep, start=1)}
    out.append('<g fill="#0b6b3a" stroke="#f6f8f6" stroke-width="1.5">')
    for n in sorted(chosen):
        x, y = spots[n]
        out.append(
            f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(radius[n])}">'
            f"<title>{number[n]}. {esc(names.get(n, n))}: {esc(fmt(value[n]))}</title></circle>"
        )
    out.append("</g>")
    out.append(
        f'<g data-over-dots="own" font-size="{FONT}" fill="#ffffff" font-family="sans-serif" '
        'text-anchor="middle" font-weight="bold">'
    )
    for n in keep:
        x, y = spots[n]
        out.append(f'<text x="{num(x)}" y="{num(y + FONT * 0.35)}">{number[n]}</text>')
    out.append("</g></svg>")
    items = []
    if len(words) >= 2:
        items = [("dot", "#0b6b3a", words[0]), ("thick", "#2b6cb0", words[1])]
    key = [f"{short_label(names.get(n, n))}: {fmt(value[n])}" for n in keep]
    out.append(legend(items, key))
    return "\n".join(out)
