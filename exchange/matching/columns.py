"""Column generation: the relaxed (minimum-free) welfare flow of every commodity without keeping
every compatible pair.

The compatible pairs grow with the square of the market (44 M at 100,000 listings), but a flow
uses a tiny share of them. Per commodity:

1. **One pass over every offer x request cell** (numpy blocks, `candidates.block_pairs`) stores
   every *useful* pair (positive gain, able to meet its minimum) compactly: offer and request
   position as int32, gain in hundredths of a rupiah as int32, 12 bytes a pair (450 MB for the
   largest commodity at 200,000 listings, one commodity at a time), and puts the
   pesantren -> pesantren edge of every compatible pair into a bit matrix
   (`reciprocal.EdgeBits`). The first kept set: each listing's `k` best stored pairs.
2. **Flow and duals.** The min-cost flow over the kept pairs (`flows.bounded_flow`), then node
   potentials of its residual network by shortest paths (`potentials`): an optimal flow has no
   negative cycle, so they exist.
3. **Pricing** (`price`): a pass over the stored integers, a chunk at a time, adds each
   listing's most violated pairs among those whose gain exceeds its offer's potential minus its
   request's. No distance is computed twice and no prefix is scanned: the pass is linear in the
   stored pairs. Back to 2 until no pair enters.

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
from .flows import bounded_flow
from .geo import road_distance_km
from .minimums import _best_pairs

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


def _top_k(key: np.ndarray, gain: np.ndarray, k: int) -> np.ndarray:
    """Mask of each key's `k` largest (non-negative integer) gains, ties by position: the answer
    of `minimums._best_pairs`, found by `k` rounds of a per-key maximum (`np.maximum.at`) and a
    per-key first position among the ties instead of a sort of the whole (a tenth of the CPU on 2 M
    pairs with random keys, half with sorted ones; the top-k selections were a fifth of the
    200,000-listing solve). Keys must be small non-negative integers (listing positions)."""
    mask = np.zeros(key.size, dtype=bool)
    if key.size == 0:
        return mask
    n_keys = int(key.max()) + 1
    if n_keys > 4 * key.size + 1024:
        return _best_pairs(key, gain, k)
    gone = np.iinfo(np.int64).min
    work = gain.astype(np.int64)
    for _ in range(k):
        top = np.full(n_keys, gone, dtype=np.int64)
        np.maximum.at(top, key, work)
        tie = np.flatnonzero((work == top[key]) & (work != gone))
        if tie.size == 0:
            break
        first = np.full(n_keys, key.size, dtype=np.int64)
        np.minimum.at(first, key[tie], tie)
        chosen = first[first < key.size]
        mask[chosen] = True
        work[chosen] = gone
    return mask


def _best(key: np.ndarray, gain: np.ndarray, k: int, chunk: int = 2_000_000) -> np.ndarray:
    """Mask of `minimums._best_pairs(key, gain, k)` (each key's `k` largest gains, ties: position)
    a chunk at a time: the best of a key are among the best of each chunk, so the answer is the
    same, with temporaries of a chunk instead of the whole (tens of millions at 200k listings)."""
    if key.size <= chunk:
        return _top_k(key, gain, k)
    pos = np.concatenate(
        [
            lo + np.flatnonzero(_top_k(key[lo : lo + chunk], gain[lo : lo + chunk], k))
            for lo in range(0, key.size, chunk)
        ]
    )
    mask = np.zeros(key.size, dtype=bool)
    mask[pos[_top_k(key[pos], gain[pos], k)]] = True
    return mask


def _moq_ok(o: ListingArrays, r: ListingArrays, a, b) -> np.ndarray:
    return np.minimum(o.quantity[a], r.quantity[b]) >= np.maximum(o.moq[a], r.moq[b])


def first_pass(
    o, r, cost_per_km, road_factor, n_pes, scale, block_cells, edge_bits=None, prune=True
):
    """(a, b, gain) of every useful pair (positive gain, able to meet its minimum), sorted by
    (offer, request), compact (int32 where it fits), the sorted edge keys of every compatible
    pair (empty when they went into `edge_bits`). `prune`: skip the cells the distance bound of
    `candidates.reachable` rules out (the same pairs)."""
    n_r = len(r.listings)
    edge_parts, la, lb, lg = [], [], [], []
    idx_t = np.int32 if max(len(o.listings), n_r) < 2**31 else np.int64
    # Dense blocks of whole offer rows: on these markets most cells are compatible (the price
    # gaps pay for most distances), and a dense block cost 3.6 times less CPU per cell than
    # gathering only the pairs a per-cell distance bound let through (tried: 1.62 s against
    # 0.45 s for one commodity of 1,542 x 4,137 listings). Hence the bound per offer grid cell
    # (`candidates.reachable`) is used only where it leaves at most half the cells (a national
    # market: provinces far apart), and then its blocks are in grid order, sorted below.
    blocks = block_pairs(o, r, cost_per_km, road_factor, block_cells, moq=False, prune=prune)
    for a, b, s, _d, _t in blocks:
        keys = o.pes[a] * np.int64(n_pes) + r.pes[b]
        if edge_bits is not None:
            edge_bits.add(keys)
        else:
            edge_parts.append(unique_sorted(keys))
        g = _gain(s, scale)
        use = np.flatnonzero((g > 0) & _moq_ok(o, r, a, b))
        if use.size == 0:
            continue
        la.append(a[use].astype(idx_t))
        lb.append(b[use].astype(idx_t))
        g = g[use]
        lg.append(g.astype(np.int32) if int(g.max()) < 2**31 else g)
        if len(edge_parts) > 64:
            edge_parts = [unique_sorted(np.concatenate(edge_parts))]
    edges = unique_sorted(np.concatenate(edge_parts)) if edge_parts else np.empty(0, np.int64)
    if not lg:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64), edges
    # One column at a time, each block list freed once joined: peak memory a column, not all.
    a = np.concatenate(la)
    la.clear()
    b = np.concatenate(lb)
    lb.clear()
    g = np.concatenate(lg)
    lg.clear()
    key = a.astype(np.int64) * np.int64(n_r) + b
    if key.size > 1 and (key[1:] < key[:-1]).any():  # pruned blocks: back to (offer, request)
        order = np.argsort(key, kind="stable")
        a, b, g = a[order], b[order], g[order]
    return a, b, g, edges


def potentials(oq, rq, a, b, cost, flow) -> np.ndarray:
    """Shortest-path distances (from a virtual source joined to every node at cost 0) in the
    residual network of an optimal flow of `flows.bounded_flow`'s network: offers 0..no-1,
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


def price(a, b, g, inset, pot_o, pot_r, chunk: int = 4_000_000):
    """Positions (into the stored useful pairs a, b, g) of the pairs not yet in the set `inset`
    whose gain exceeds pot_o[a] - pot_r[b]: each offer's and each request's ENTER_PER_ROUND most
    violated ones (ties: stored order). None when there is none (the flow is then optimal over
    every pair). A pass over stored integers, a chunk at a time: no distance is computed again,
    no price-gap prefix scanned."""
    pos, red = [], []
    for lo in range(0, g.size, chunk):
        sl = slice(lo, lo + chunk)
        rc = g[sl] - (pot_o[a[sl]] - pot_r[b[sl]])
        hit = np.flatnonzero((rc > 0) & ~inset[sl])
        if hit.size:
            pos.append(hit + lo)
            red.append(rc[hit])
    if not pos:
        return None
    pos, red = np.concatenate(pos), np.concatenate(red)
    # Only each listing's most violated pairs (ties: stored order): all of them would flood the
    # set with pairs that the next duals price out again.
    best = _best(a[pos], red, ENTER_PER_ROUND)
    best |= _best(b[pos], red, ENTER_PER_ROUND)
    return pos[best]


def relaxed_pairs(
    o: ListingArrays,
    r: ListingArrays,
    cost_per_km: float,
    road_factor: float,
    n_pes: int,
    k: int = K_BEST,
    scale: int = 100,
    block_cells: int = DEFAULT_BLOCK_CELLS,
    edge_bits=None,
    prune: bool = True,
) -> CommodityPairs:
    """The kept pairs of one commodity and the relaxed flow on them, optimal over every pair.
    `prune=False`: the first pass evaluates every cell (the same pairs, for tests)."""
    ua, ub, ug, edges = first_pass(
        o, r, cost_per_km, road_factor, n_pes, scale, block_cells, edge_bits, prune
    )
    n_o, n_r = len(o.listings), len(r.listings)
    inset = np.zeros(ug.size, dtype=bool)
    if ug.size:
        inset[_best(ua, ug, k) | _best(ub, ug, k)] = True
    rounds = priced_in = 0
    while True:
        kept = np.flatnonzero(inset)  # stored order: sorted by (offer, request)
        a, b = ua[kept].astype(np.int64), ub[kept].astype(np.int64)
        cost = -ug[kept].astype(np.int64)
        flow = bounded_flow(o.quantity, r.quantity, a, b, cost)
        rounds += 1
        if rounds > MAX_ROUNDS:
            raise RuntimeError("column generation did not converge")
        if a.size == 0:
            break
        d = potentials(o.quantity, r.quantity, a, b, cost, flow)
        pot_o, pot_r = d[:n_o], d[n_o : n_o + n_r]
        new = price(ua, ub, ug, inset, pot_o, pot_r)
        if new is None:
            break
        priced_in += new.size
        inset[new] = True
    useful = int(ug.size)
    del ua, ub, ug, inset
    d = road_distance_km(o.lat[a], o.lon[a], r.lat[b], r.lon[b], road_factor)
    t = cost_per_km * d
    s = r.price[b] - o.price[a] - t
    return CommodityPairs(
        a, b, s, d, t, flow=flow, edges=edges, useful=useful, rounds=rounds, priced_in=priced_in
    )
