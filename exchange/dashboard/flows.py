"""Who trades with whom: plain contract edges in, flow and network summaries out.

Pure: no Flask, no database, no clock, no random numbers (networkx's sampling is seeded).
Every list comes out in a fixed order, ties broken by ids, so the same edges always give the
same summaries byte for byte.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

# Exact betweenness up to this many pesantren; above it, a seeded sample of sources
# (networkx's k) keeps the network page near a second for thousands of pesantren.
EXACT_BETWEENNESS_NODES = 400
BETWEENNESS_SAMPLES = 16


@dataclass(frozen=True)
class Edge:
    """The contracts from one seller to one buyer, aggregated (one row per ordered pair)."""

    seller_id: int
    buyer_id: int
    seller_regency: str
    buyer_regency: str
    value: int  # rupiah
    volume: int  # units of the commodity (mixed when several commodities are summed)
    contracts: int = 1


@dataclass(frozen=True)
class RegencyFlow:
    origin: str
    destination: str
    value: int
    volume: int
    contracts: int


@dataclass(frozen=True)
class Central:
    pesantren_id: int
    degree: int  # distinct trading partners
    degree_centrality: float
    betweenness: float
    value: int  # bought plus sold


@dataclass(frozen=True)
class Cluster:
    number: int
    members: tuple[int, ...]
    internal_value: int  # value of the contracts inside the cluster
    regencies: tuple[str, ...]


@dataclass(frozen=True)
class OneSided:
    pesantren_id: int
    partners: int
    value: int


@dataclass(frozen=True)
class Network:
    nodes: int
    edges: int
    by_degree: tuple[Central, ...]
    by_betweenness: tuple[Central, ...]
    clusters: tuple[Cluster, ...]
    sell_only: tuple[OneSided, ...]
    buy_only: tuple[OneSided, ...]
    reciprocal_pairs: int
    betweenness_exact: bool


def regency_matrix(edges: list[Edge]) -> list[RegencyFlow]:
    """Contracted value and volume from each regency to each regency, largest value first."""
    value: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for e in edges:
        cell = value[(e.seller_regency, e.buyer_regency)]
        cell[0] += e.value
        cell[1] += e.volume
        cell[2] += e.contracts
    flows = [RegencyFlow(o, d, v, q, c) for (o, d), (v, q, c) in value.items()]
    return sorted(flows, key=lambda f: (-f.value, f.origin, f.destination))


def top_corridors(flows: list[RegencyFlow], n: int = 10, within: bool = False) -> list[RegencyFlow]:
    """The largest flows between two different regencies (or inside one, when ``within``)."""
    return [f for f in flows if within or f.origin != f.destination][:n]


def regency_totals(flows: list[RegencyFlow]) -> dict[str, tuple[int, int]]:
    """Per regency: (value sold out of it, value bought into it)."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for f in flows:
        totals[f.origin][0] += f.value
        totals[f.destination][1] += f.value
    return {code: (s, b) for code, (s, b) in sorted(totals.items())}


def reciprocal_pairs(edges: list[Edge]) -> int:
    """Pairs of pesantren that have sold to each other (both directions present)."""
    pairs = {(e.seller_id, e.buyer_id) for e in edges}
    return sum(1 for a, b in pairs if a < b and (b, a) in pairs)


def build_graph(edges: list[Edge]) -> nx.DiGraph:
    graph = nx.DiGraph()
    for e in sorted(edges, key=lambda e: (e.seller_id, e.buyer_id)):
        graph.add_node(e.seller_id, regency=e.seller_regency)
        graph.add_node(e.buyer_id, regency=e.buyer_regency)
        if graph.has_edge(e.seller_id, e.buyer_id):
            graph[e.seller_id][e.buyer_id]["value"] += e.value
        else:
            graph.add_edge(e.seller_id, e.buyer_id, value=e.value)
    return graph


def undirected_graph(graph: nx.DiGraph) -> nx.Graph:
    """Partners regardless of direction; the value of both directions summed."""
    undirected = nx.Graph()
    undirected.add_nodes_from(graph.nodes(data=True))
    for a, b, d in graph.edges(data=True):
        if undirected.has_edge(a, b):
            undirected[a][b]["value"] += d["value"]
        else:
            undirected.add_edge(a, b, value=d["value"])
    return undirected


def network(edges: list[Edge], top: int = 10) -> Network:
    """The trade network's summaries: hubs, brokers, clusters, one-sided traders."""
    graph = build_graph(edges)
    undirected = undirected_graph(graph)
    n = graph.number_of_nodes()
    exact = n <= EXACT_BETWEENNESS_NODES
    if n == 0:
        return Network(0, 0, (), (), (), (), (), 0, True)
    betweenness = nx.betweenness_centrality(
        undirected, k=None if exact else BETWEENNESS_SAMPLES, seed=0, normalized=True
    )
    degree_c = nx.degree_centrality(undirected)
    value = defaultdict(int)
    for e in edges:
        value[e.seller_id] += e.value
        value[e.buyer_id] += e.value
    centrals = [
        Central(
            pesantren_id=p,
            degree=undirected.degree(p),
            degree_centrality=round(degree_c[p], 6),
            betweenness=round(betweenness[p], 6),
            value=value[p],
        )
        for p in sorted(graph.nodes)
    ]
    by_degree = sorted(centrals, key=lambda c: (-c.degree, -c.value, c.pesantren_id))[:top]
    by_between = sorted(centrals, key=lambda c: (-c.betweenness, -c.degree, c.pesantren_id))
    return Network(
        nodes=n,
        edges=undirected.number_of_edges(),
        by_degree=tuple(by_degree),
        by_betweenness=tuple(by_between[:top]),
        clusters=tuple(clusters(graph, undirected)),
        sell_only=tuple(_one_sided(graph, value, sells=True)),
        buy_only=tuple(_one_sided(graph, value, sells=False)),
        reciprocal_pairs=reciprocal_pairs(edges),
        betweenness_exact=exact,
    )


def clusters(graph: nx.DiGraph, undirected: nx.Graph | None = None) -> list[Cluster]:
    """Groups that trade mostly among themselves: Louvain communities (seeded) by value.

    Isolated pairs come out as their own connected components anyway; a giant component is
    split into communities. Largest internal value first; singletons are left out.
    """
    undirected = undirected if undirected is not None else undirected_graph(graph)
    if undirected.number_of_edges() == 0:
        return []
    communities = nx.community.louvain_communities(undirected, weight="value", seed=0)
    found = []
    for members in communities:
        if len(members) < 2:
            continue
        ordered = tuple(sorted(members))
        inside = undirected.subgraph(ordered)
        internal = sum(d["value"] for _, _, d in inside.edges(data=True))
        regencies = tuple(sorted({graph.nodes[p]["regency"] for p in ordered}))
        found.append((internal, ordered, regencies))
    found.sort(key=lambda c: (-c[0], -len(c[1]), c[1][0]))
    return [Cluster(i + 1, m, v, r) for i, (v, m, r) in enumerate(found)]


def _one_sided(graph: nx.DiGraph, value: dict, sells: bool) -> list[OneSided]:
    rows = []
    for p in sorted(graph.nodes):
        out_d, in_d = graph.out_degree(p), graph.in_degree(p)
        if (sells and out_d and not in_d) or (not sells and in_d and not out_d):
            rows.append(OneSided(p, out_d or in_d, value[p]))
    return sorted(rows, key=lambda r: (-r.value, r.pesantren_id))
