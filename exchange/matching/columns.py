"""Column generation: the relaxed (minimum-free) welfare flow of every commodity without keeping
every compatible pair.

The compatible pairs grow with the square of the market (44 M at 100,000 listings), but a flow
uses a tiny share of them. Per commodity:

1. **One pass over every offer x request cell** (numpy blocks, `candidates.block_pairs`) keeps
   each listing's `k` best pairs by surplus (exactly: a block holds whole offer rows, so an
   offer's best are exact per block and a request's best are the best of its per-block best),
   and the pesantren -> pesantren edges of compatible trade (for the reciprocal pairs, which need
   the edge set only).
2. **Flow and duals.** The min-cost flow over the kept pairs (`minimums.bounded_flow`), then node
   potentials of its residual network by shortest paths (`potentials`): an optimal flow has no
   negative cycle, so they exist.
3. **Pricing.** Another pass over every cell adds each pair whose reduced cost is negative (its
   gain per unit, in hundredths of a rupiah, above its offer's potential minus its request's);
   a cheap price test (the gain can never exceed the price gap) discards most cells before any
   distance is computed. Back to 2 until no pair enters.

When no pair enters, the potentials are feasible for the network of *every* pair, so the flow is
optimal for it: the answer is the full-pair flow's optimum (tests check this on random instances).
Pure and deterministic: kept pairs are sorted by (offer, request) and every step is a fixed
function of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import unique_sorted
from .candidates import DEFAULT_BLOCK_CELLS, ListingArrays, block_pairs
from .geo import road_distance_km
from .minimums import _best_pairs, bounded_flow

#: Each listing's best pairs (by surplus) in the first candidate set.
K_BEST = 10
#: Pairs each listing may bring in per pricing round (its most violated ones).
ENTER_PER_ROUND = 3
#: Pricing rounds before giving up (never reached on the samples: 2-4 rounds).
MAX_ROUNDS = 50


@dataclass
class CommodityPairs:
    """The kept pairs of one commodity (positions into its offers / requests, sorted by
    (offer, request)), their figures, and the relaxed flow on them."""

    a: np.ndarray
    b: np.ndarray
    surplus: np.ndarray
    distance: np.ndarray
    transport: np.ndarray
    flow: np.ndarray
    edges: np.ndarray  # sorted unique seller_row * n_pesantren + buyer_row (moq ignored)
    useful: int  # pairs of positive gain that can meet their minimum, kept or not
    rounds: int
    priced_in: int


def _gain(surplus: np.ndarray, scale: int) -> np.ndarray:
    return np.rint(surplus * scale).astype(np.int64)


def _sort_pairs(n_r: int, cols):
    a, b = cols[0], cols[1]
    order = np.argsort(a * np.int64(n_r) + b, kind="stable")
    return [c[order] for c in cols]


def _moq_ok(o: ListingArrays, r: ListingArrays, a, b) -> np.ndarray:
    return np.minimum(o.quantity[a], r.quantity[b]) >= np.maximum(o.moq[a], r.moq[b])


def first_pass(o, r, cost_per_km, road_factor, n_pes, k, scale, block_cells):
    """(pairs [a, b, surplus, distance, transport] sorted, edge keys, count of useful pairs):
    each listing's `k` best useful pairs (positive gain, able to meet their minimum), and every
    compatible pair's pesantren edge."""
    n_r = len(r.listings)
    edge_parts, kept, pending, useful = [], [], 0, 0
    for a, b, s, d, t in block_pairs(o, r, cost_per_km, road_factor, block_cells, moq=False):
        edge_parts.append(unique_sorted(o.pes[a] * np.int64(n_pes) + r.pes[b]))
        g = _gain(s, scale)
        use = np.flatnonzero((g > 0) & _moq_ok(o, r, a, b))
        if use.size == 0:
            continue
        useful += use.size
        a, b, s, d, t, g = a[use], b[use], s[use], d[use], t[use], g[use]
        best = _best_pairs(a, g, k) | _best_pairs(b, g, k)
        kept.append([x[best] for x in (a, b, s, d, t)])
        pending += int(best.sum())
        if pending > 4 * k * (len(o.listings) + n_r):  # bound memory: re-select now
            kept = [_select(kept, k, scale)]
            pending = kept[0][0].size
        if len(edge_parts) > 64:
            edge_parts = [unique_sorted(np.concatenate(edge_parts))]
    edges = unique_sorted(np.concatenate(edge_parts)) if edge_parts else np.empty(0, np.int64)
    if not kept:
        return [np.empty(0, np.int64)] * 2 + [np.empty(0)] * 3, edges, 0
    return _sort_pairs(n_r, _select(kept, k, scale)), edges, useful


def _select(kept, k, scale):
    cols = [np.concatenate([p[i] for p in kept]) for i in range(5)]
    g = _gain(cols[2], scale)
    best = _best_pairs(cols[0], g, k) | _best_pairs(cols[1], g, k)
    return [c[best] for c in cols]


def potentials(oq, rq, a, b, cost, flow) -> np.ndarray:
    """Shortest-path distances (from a virtual source joined to every node at cost 0) in the
    residual network of an optimal flow of `minimums.bounded_flow`'s network: offers 0..no-1,
    requests no.., the sink last. For every residual arc u -> v: d[v] <= d[u] + cost(u, v).
    Bellman-Ford, vectorised over the nodes that changed in the last round."""
    no, nr = oq.size, rq.size
    sink = no + nr
    n = sink + 1
    upper = np.minimum(oq[a], rq[b])
    sold = np.bincount(a, weights=flow, minlength=no).astype(np.int64)
    recv = np.bincount(b, weights=flow, minlength=nr).astype(np.int64)
    o_nodes, r_nodes = np.arange(no), no + np.arange(nr)
    fwd, back = flow < upper, flow > 0
    src = np.concatenate(
        [a[fwd], no + b[back], o_nodes[sold > 0], np.full(int((sold < oq).sum()), sink)]
        + [r_nodes[recv < rq], np.full(int((recv > 0).sum()), sink)]
    )
    dst = np.concatenate(
        [no + b[fwd], a[back], np.full(int((sold > 0).sum()), sink), o_nodes[sold < oq]]
        + [np.full(int((recv < rq).sum()), sink), r_nodes[recv > 0]]
    )
    w = np.concatenate([cost[fwd], -cost[back], np.zeros(src.size - fwd.sum() - back.sum())])
    w = w.astype(np.int64)
    order = np.argsort(src, kind="stable")
    src, dst, w = src[order], dst[order], w[order]
    ptr = np.searchsorted(src, np.arange(n + 1))
    d = np.zeros(n, dtype=np.int64)
    active = np.arange(n)
    for _ in range(n + 1):
        counts = ptr[active + 1] - ptr[active]
        total = int(counts.sum())
        if total == 0:
            return d
        starts = np.repeat(ptr[active] - np.cumsum(counts) + counts, counts)
        idx = starts + np.arange(total)
        cand = d[src[idx]] + w[idx]
        better = cand < d[dst[idx]]
        if not better.any():
            return d
        t, c = dst[idx][better], cand[better]
        np.minimum.at(d, t, c)
        active = unique_sorted(t)
    raise RuntimeError("negative cycle: the flow is not optimal")


def price(o, r, cost_per_km, road_factor, pot_o, pot_r, member, scale, block_cells):
    """The pairs (not in `member`, sorted keys a * n_r + b) with positive gain that can meet
    their minimum and whose gain exceeds pot_o[a] - pot_r[b]: [a, b, surplus, distance,
    transport], sorted."""
    n_o, n_r = len(o.listings), len(r.listings)
    # The gain is at most the price gap (rp - op) * scale (whole rupiah, transport >= 0), so a
    # pair can enter only if rp * scale + pot_r > op * scale + pot_o: with the requests sorted
    # by the left side, each offer's candidates are a prefix, found without touching a cell.
    lhs = r.price * scale + pot_r
    by_r = np.argsort(-lhs, kind="stable")
    counts = np.searchsorted(-lhs[by_r], -(o.price * scale + pot_o), side="left")
    ends = np.cumsum(counts)
    found = []
    lo = 0
    while lo < n_o:
        base = int(ends[lo - 1]) if lo else 0
        hi = max(lo + 1, int(np.searchsorted(ends, base + block_cells, side="right")))
        hi = min(hi, n_o)
        c = counts[lo:hi]
        total = int(c.sum())
        rows, lo = np.arange(lo, hi), hi
        if total == 0:
            continue
        a = np.repeat(rows, c)
        b = by_r[np.arange(total) - np.repeat(np.cumsum(c) - c, c)]
        ok = (
            (o.pes[a] != r.pes[b])
            & (o.grade[a] >= r.grade[b])
            & (o.start[a] <= r.end[b])
            & (r.start[b] <= o.end[a])
            & ((o.akad[a] & r.akad[b]) != 0)
            & _moq_ok(o, r, a, b)
        )
        a, b = a[ok], b[ok]
        if a.size == 0:
            continue
        d = road_distance_km(o.lat[a], o.lon[a], r.lat[b], r.lon[b], road_factor)
        t = cost_per_km * d
        s = r.price[b] - o.price[a] - t
        g = _gain(s, scale)
        ok = (d <= r.maxd[b]) & (s >= 0) & (g > 0) & (g > pot_o[a] - pot_r[b])
        key = a[ok] * np.int64(n_r) + b[ok]
        if member.size:
            pos = np.minimum(np.searchsorted(member, key), member.size - 1)
            new = np.flatnonzero(ok)[member[pos] != key]
        else:
            new = np.flatnonzero(ok)
        if new.size:
            # Only each listing's most violated pairs: all of them would flood the set with
            # pairs that the next duals price out again.
            a, b, s, d, t = a[new], b[new], s[new], d[new], t[new]
            red = g[new] - (pot_o[a] - pot_r[b])
            best = _best_pairs(a, red, ENTER_PER_ROUND) | _best_pairs(b, red, ENTER_PER_ROUND)
            found.append([a[best], b[best], s[best], d[best], t[best]])
    if not found:
        return None
    return [np.concatenate([p[i] for p in found]) for i in range(5)]


def relaxed_pairs(
    o: ListingArrays,
    r: ListingArrays,
    cost_per_km: float,
    road_factor: float,
    n_pes: int,
    k: int = K_BEST,
    scale: int = 100,
    block_cells: int = DEFAULT_BLOCK_CELLS,
) -> CommodityPairs:
    """The kept pairs of one commodity and the relaxed flow on them, optimal over every pair."""
    cols, edges, useful = first_pass(o, r, cost_per_km, road_factor, n_pes, k, scale, block_cells)
    n_o, n_r = len(o.listings), len(r.listings)
    rounds = priced_in = 0
    while True:
        a, b = cols[0], cols[1]
        cost = -_gain(cols[2], scale)
        flow = bounded_flow(o.quantity, r.quantity, a, b, cost)
        rounds += 1
        if rounds > MAX_ROUNDS:
            raise RuntimeError("column generation did not converge")
        d = potentials(o.quantity, r.quantity, a, b, cost, flow)
        new = price(
            o,
            r,
            cost_per_km,
            road_factor,
            d[:n_o],
            d[n_o : n_o + n_r],
            a * np.int64(n_r) + b,
            scale,
            block_cells,
        )
        if new is None:
            break
        priced_in += new[0].size
        cols = _sort_pairs(n_r, [np.concatenate([c, x]) for c, x in zip(cols, new, strict=True)])
    return CommodityPairs(
        *cols, flow=flow, edges=edges, useful=useful, rounds=rounds, priced_in=priced_in
    )
