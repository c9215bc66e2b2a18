"""The biggest cleared groups of a run drawn as an SVG, server-side (no JS). Pure.

Edges in: (debtor name, creditor name, set-off). networkx finds the groups (weakly connected
components of the set-off graph: each is a set of cycles); the biggest by amount are drawn, the
members on a circle, each arrow labelled with its set-off.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

import networkx as nx

WIDTH, PANEL, RADIUS = 320, 300, 105
MAX_NODES = 12  # a bigger group is drawn by its 12 members with the largest set-offs


def groups(edges: Sequence[tuple[str, str, int]], limit: int = 3) -> list[nx.DiGraph]:
    graph = nx.DiGraph()
    for debtor, creditor, amount in edges:
        if amount > 0:
            graph.add_edge(debtor, creditor, amount=amount)
    parts = [graph.subgraph(c).copy() for c in nx.weakly_connected_components(graph)]
    parts.sort(key=lambda g: (-g.size(weight="amount"), sorted(g.nodes)))
    return parts[:limit]


def svg(edges: Sequence[tuple[str, str, int]], money: Callable[[int], str], title: str) -> str:
    parts = groups(edges)
    if not parts:
        return ""
    height = PANEL * len(parts)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}">',
        "<defs><marker id='arrow' viewBox='0 0 10 10' refX='10' refY='5' markerWidth='6' "
        "markerHeight='6' orient='auto-start-reverse'><path d='M0,0L10,5L0,10z' "
        "fill='#555'/></marker></defs>",
    ]
    for row, g in enumerate(parts):
        weight = {n: g.degree(n, weight="amount") for n in g}
        nodes = sorted(g.nodes, key=lambda n: (-weight[n], n))[:MAX_NODES]
        order = sorted(nodes)
        cx, cy = WIDTH / 2, row * PANEL + PANEL / 2
        pos = {
            n: (
                cx + RADIUS * math.cos(2 * math.pi * i / len(order) - math.pi / 2),
                cy + RADIUS * math.sin(2 * math.pi * i / len(order) - math.pi / 2),
            )
            for i, n in enumerate(order)
        }
        out.append(
            f'<text x="8" y="{row * PANEL + 16}" font-size="12" fill="#333">'
            f"{escape(money(int(g.size(weight='amount'))))}</text>"
        )
        for a, b, data in sorted(g.edges(data=True)):
            if a not in pos or b not in pos:
                continue
            (x1, y1), (x2, y2) = pos[a], pos[b]
            dx, dy = x2 - x1, y2 - y1
            length = math.hypot(dx, dy) or 1
            sx, sy = x1 + dx * 14 / length, y1 + dy * 14 / length
            ex, ey = x2 - dx * 14 / length, y2 - dy * 14 / length
            out.append(
                f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="#555" '
                'stroke-width="1.5" marker-end="url(#arrow)"/>'
                f'<text x="{(sx + ex) / 2:.1f}" y="{(sy + ey) / 2 - 3:.1f}" font-size="10" '
                f'text-anchor="middle" fill="#0a5">{escape(money(data["amount"]))}</text>'
            )
        for n in order:
            x, y = pos[n]
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="12" fill="#e8f4ec" stroke="#0a5"/>'
                f'<text x="{x:.1f}" y="{y + 26:.1f}" font-size="10" text-anchor="middle">'
                f"{escape(n[:28])}</text>"
            )
    out.append("</svg>")
    return "".join(out)
