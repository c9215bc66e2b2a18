"""The biggest cleared groups of a run drawn as an SVG, server-side (no JS). Pure.

Edges in: (debtor name, creditor name, set-off). networkx finds the groups (weakly connected
components of the set-off graph: each is a set of cycles); the biggest by amount are drawn, the
members on a circle, each a numbered circle; the key under the picture names the members and
lists each arrow with its set-off (names and amounts as HTML text, never clipped or crowded).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

import networkx as nx

WIDTH, PANEL, RADIUS = 320, 290, 110
FONT = 13  # at 320 units wide a 390 px phone shows it at about 340 px: text over 12 px
NODE = 14
MAX_NODES = 12  # a bigger group is drawn by its 12 members with the largest set-offs


def groups(edges: Sequence[tuple[str, str, int]], limit: int = 3) -> list[nx.DiGraph]:
    graph = nx.DiGraph()
    for debtor, creditor, amount in edges:
        if amount > 0:
            graph.add_edge(debtor, creditor, amount=amount)
    parts = [graph.subgraph(c).copy() for c in nx.weakly_connected_components(graph)]
    parts.sort(key=lambda g: (-g.size(weight="amount"), sorted(g.nodes)))
    return parts[:limit]


def svg(
    edges: Sequence[tuple[str, str, int]],
    money: Callable[[int], str],
    title: str,
    words: Sequence[str] = ("", "", ""),
) -> str:
    """The picture and its key. ``words``: the legend's sentence for the arrows, the heading of
    a group ("%(amount)s"), and the word between the numbers of an arrow's ends ("→")."""
    parts = groups(edges)
    if not parts:
        return ""
    height = PANEL * len(parts)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH * 3 // 2}" role="img" aria-label="{escape(title)}" class="chart">',
        "<defs><marker id='arrow' viewBox='0 0 10 10' refX='10' refY='5' markerWidth='6' "
        "markerHeight='6' orient='auto-start-reverse'><path d='M0,0L10,5L0,10z' "
        "fill='#555'/></marker></defs>",
    ]
    key: list[str] = []
    first = 1
    for row, g in enumerate(parts):
        weight = {n: g.degree(n, weight="amount") for n in g}
        nodes = sorted(g.nodes, key=lambda n: (-weight[n], n))[:MAX_NODES]
        order = sorted(nodes)
        number = {n: first + k for k, n in enumerate(order)}
        first += len(order)
        cx, cy = WIDTH / 2, row * PANEL + PANEL / 2
        pos = {
            n: (
                cx + RADIUS * math.cos(2 * math.pi * i / len(order) - math.pi / 2),
                cy + RADIUS * math.sin(2 * math.pi * i / len(order) - math.pi / 2),
            )
            for i, n in enumerate(order)
        }
        arrows = []
        for a, b, data in sorted(g.edges(data=True)):
            if a not in pos or b not in pos:
                continue
            (x1, y1), (x2, y2) = pos[a], pos[b]
            dx, dy = x2 - x1, y2 - y1
            length = math.hypot(dx, dy) or 1
            sx, sy = x1 + dx * (NODE + 2) / length, y1 + dy * (NODE + 2) / length
            ex, ey = x2 - dx * (NODE + 2) / length, y2 - dy * (NODE + 2) / length
            out.append(
                f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="#555" '
                'stroke-width="1.5" marker-end="url(#arrow)">'
                f"<title>{escape(a)} → {escape(b)}: {escape(money(data['amount']))}</title></line>"
            )
            arrows.append(
                f"<li>{number[a]} {escape(words[2] or '→')} {number[b]}: "
                f"{escape(money(data['amount']))}</li>"
            )
        for n in order:
            x, y = pos[n]
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{NODE}" fill="#0a5">'
                f"<title>{escape(n)}</title></circle>"
                f'<text data-over-dots="own" x="{x:.1f}" y="{y + FONT * 0.35:.1f}" '
                f'font-size="{FONT}" font-weight="bold" text-anchor="middle" fill="#fff">'
                f"{number[n]}</text>"
            )
        heading = (words[1] or "%(amount)s").replace(
            "%(amount)s", money(int(g.size(weight="amount")))
        )
        names = "".join(f'<li value="{number[n]}">{escape(n)}</li>' for n in order)
        key.append(
            f'<li>{escape(heading)}<ol class="chart-key">{names}</ol>'
            f'<ul class="chart-arrows">{"".join(arrows)}</ul></li>'
        )
    out.append("</svg>")
    legend = (
        '<figcaption class="chart-legend">'
        + (f"<p>{escape(words[0])}</p>" if words[0] else "")
        + f'<ol class="chart-groups">{"".join(key)}</ol></figcaption>'
    )
    return "".join(out) + legend
