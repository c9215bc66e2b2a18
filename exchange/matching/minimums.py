"""The allocation with minimum quantities per deal (format 2): each deal is 0 or at least the larger
`min_quantity` of its two listings (a semi-continuous flow), a mixed-integer problem.

Method, per commodity (the numbers behind the choice are in docs/matching.md):

1. **Relaxed flow.** The min-cost flow that ignores the minimums (over the pairs that can meet
   theirs at all). Its welfare is an upper bound; usually only a few percent of its deals fall
   below their minimum ("violations").
2. **Local exact MIP around the violations.** The listings of the violated deals, grown by a few
   rounds along the flow's deals and each listing's best pairs, split into connected groups (too
   large ones into disjoint groups of a few dozen listings). Each
   group is solved exactly (HiGHS through `scipy.optimize.milp`: a binary per pair that has a
   minimum, x <= U*y, x >= L*y) with the rest of the flow fixed around it, within `time_limit`
   seconds. A group whose MIP does not finish in time falls back to the relaxed flow with that
   group's violated deals set to 0, which is always feasible: the clock can only ever choose that
   already-known answer, never a different solver state.
3. **Polish.** One more min-cost flow over the pairs touching a group or a violated deal (the
   other flows fixed): pairs without a minimum free, pairs whose deal met its minimum kept with
   it as a lower bound, the other pairs with a minimum removed. The answer of step 2 is feasible
   for it, so the welfare only grows, and every deal meets its minimum by construction.
4. **Rounding, the other candidate** (`round_and_repair`): flows only, no MIP, over the pairs
   with an end at a listing of a group or of a violated deal (the relaxed flow fixed elsewhere).
   Each violated deal is decided once, the fullest first: held at its minimum (a lower bound)
   when its flow reaches half of it and both listings still have room, else removed; the flow is
   solved again and the new violations decided, for at most REPAIR_ROUNDS rounds (then the
   violations left are set to 0). Whichever of the two answers has more welfare is the
   commodity's (ties: the MIPs'). Where minimums are on most listings the local MIPs grow too
   large to finish and rounding wins; on jatim2-50k (no MIP runs out of time) it wins on dense
   commodities too: 0.99191 of the relaxed bound instead of 0.98975, for 58 s of CPU instead
   of 19 s.

Deterministic: HiGHS solves each group to its gap with no clock-dependent choices, groups are
formed and solved in a fixed order. The only clock is `time_limit` per group MIP: a group that
runs out of it takes HiGHS' best solution so far when that beats setting its violated deals to
0 (`stats["mip_fallbacks"]` counts these groups; none on the samples).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

from .flows import bounded_flow
from .rounding import round_and_repair

#: Each listing's best pairs (by surplus) that a MIP group may use besides the flow's deals.
BEST_PAIRS = 4
#: Rounds of growth from the violated deals' listings.
GROWTH_ROUNDS = 2
#: Seconds one group's MIP may take before the group falls back to the repaired flow.
TIME_LIMIT = 60.0
#: Relative gap at which a group's MIP stops (HiGHS `mip_rel_gap`).
MIP_GAP = 1e-4
#: HiGHS presolve on each group MIP.
PRESOLVE = False
#: A group stops growing once it has this many pairs; one with more than SPLIT_ARCS is split
#: into disjoint groups of at most CLAIM_NODES listings. Commodities with more than DENSE_ARCS
#: pairs use the smaller (dense) limits, so the MIPs' time stays near linear in the market.
GROUP_ARCS, GROUP_ARCS_DENSE = 3000, 1500
SPLIT_ARCS, SPLIT_ARCS_DENSE = 6000, 2500
DENSE_ARCS = 100_000
CLAIM_NODES = 60


@dataclass(frozen=True)
class Budget:
    """How much work the MIPs may do: group sizes, growth, HiGHS presolve and gap. Counts, not a
    clock, so a smaller budget stays deterministic. `CLI` is the command line's (the figures in
    docs/matching.md); `APP` the staff "run now" clearing's, which a person waits for."""

    growth_rounds: int = GROWTH_ROUNDS
    group_arcs: int = GROUP_ARCS
    group_arcs_dense: int = GROUP_ARCS_DENSE
    split_arcs: int = SPLIT_ARCS
    split_arcs_dense: int = SPLIT_ARCS_DENSE
    claim_nodes: int = CLAIM_NODES
    presolve: bool = PRESOLVE
    mip_gap: float = MIP_GAP


CLI_BUDGET = Budget()
#: The app's: groups of the violated deals' own listings only (no growth), presolve on, a 0.1%
#: gap. On a 20,000-listing clearing: 5.8 s of allocation instead of 125 s, 0.9912 of the CLI
#: budget's welfare.
APP_BUDGET = Budget(growth_rounds=0, presolve=True, mip_gap=1e-3)
#: The pairs of each listing (best surplus first) that the allocation with minimums considers.


def _best_pairs(key: np.ndarray, gain: np.ndarray, k: int) -> np.ndarray:
    """Mask of the `k` arcs of largest (non-negative integer) gain of each `key` (ties: arc
    order)."""
    if gain.size and int(gain.max()) < 2**31 and int(key.max()) < 2**31:
        sort_key = (key.astype(np.int64) << 31) | (np.int64(2**31 - 1) - gain.astype(np.int64))
        order = np.argsort(sort_key, kind="stable")  # one int64 key: several times faster
    else:
        order = np.lexsort((np.arange(key.size), -gain, key))
    grp = key[order]
    start = np.r_[0, np.flatnonzero(grp[1:] != grp[:-1]) + 1]
    rank = np.arange(grp.size) - np.repeat(start, np.diff(np.r_[start, grp.size]))
    mask = np.zeros(key.size, dtype=bool)
    mask[order[rank < k]] = True
    return mask


def _group_mip(
    oq, rq, a, b, gain, least, time_limit: float, budget: Budget = CLI_BUDGET
) -> tuple[np.ndarray | None, bool]:
    """Exact MIP of one group (capacities already net of the fixed flow around it): maximise
    sum gain*x with x = 0 or least <= x <= min(oq, rq). Returns (x, finished): x is HiGHS' best
    solution (None: it found none), finished False when the clock stopped it first."""
    n, no, nr = a.size, oq.size, rq.size
    upper = np.minimum(oq[a], rq[b]).astype(np.float64)
    binary = np.flatnonzero(least > 1)
    nb = binary.size
    k, y = np.arange(nb), n + np.arange(nb)
    cap_rows, low_rows = no + nr + k, no + nr + nb + k  # x - U*y <= 0, x - L*y >= 0
    A = coo_matrix(
        (
            np.r_[np.ones(2 * n + 2 * nb), -upper[binary], -least[binary].astype(np.float64)],
            (
                np.r_[a, no + b, cap_rows, low_rows, cap_rows, low_rows],
                np.r_[np.arange(n), np.arange(n), binary, binary, y, y],
            ),
        ),
        shape=(no + nr + 2 * nb, n + nb),
    ).tocsr()
    lo = np.r_[np.full(no + nr + nb, -np.inf), np.zeros(nb)]
    hi = np.r_[oq, rq, np.zeros(nb), np.full(nb, np.inf)].astype(np.float64)
    res = milp(
        np.r_[-gain.astype(np.float64), np.zeros(nb)],
        constraints=LinearConstraint(A, lo, hi),
        integrality=np.r_[np.zeros(n), np.ones(nb)],
        bounds=Bounds(np.zeros(n + nb), np.r_[np.maximum(upper, 0), np.ones(nb)]),
        options={
            "time_limit": time_limit,
            "mip_rel_gap": budget.mip_gap,
            "presolve": budget.presolve,
        },
    )
    if res.x is None:
        return None, res.status == 0
    x = res.x[:n].copy()
    x[binary] *= np.rint(res.x[n:])
    return x, res.status == 0


def allocate_with_minimums(
    oq: np.ndarray,
    rq: np.ndarray,
    omin: np.ndarray,
    rmin: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    cost: np.ndarray,
    time_limit: float = TIME_LIMIT,
    stats: dict | None = None,
    relaxed: np.ndarray | None = None,
    dense: bool | None = None,
    budget: Budget = CLI_BUDGET,
) -> np.ndarray:
    """Whole flows on the arcs of one commodity with every positive flow at least
    max(omin[a], rmin[b]) (see the module's docstring). `cost`: negative integer cost per unit.

    Every pair takes part: keeping only each listing's best pairs by surplus lost 0.6% of the
    welfare on jatim2-10k-tight (24 pairs) and 2.6% on jatim2-50k (60 pairs).

    `relaxed`: the relaxed flow on these arcs when already known (column generation); `dense`:
    whether the commodity counts as dense (default: more than DENSE_ARCS arcs)."""
    least = np.maximum(omin[a], rmin[b])
    flow = bounded_flow(oq, rq, a, b, cost) if relaxed is None else relaxed
    violated = (flow > 0) & (flow < least)
    if stats is not None:
        stats["violations"] = stats.get("violations", 0) + int(violated.sum())
    if not violated.any():
        return flow
    no, n_nodes = oq.size, oq.size + rq.size
    # 2. Grow groups from the violated deals' listings (nodes: offers 0..no-1, requests no..),
    # a round at a time, only from groups still smaller than GROUP_ARCS pairs.
    link = (flow > 0) | _best_pairs(a, -cost, BEST_PAIRS) | _best_pairs(b, -cost, BEST_PAIRS)
    inside = np.zeros(n_nodes, dtype=bool)
    inside[a[violated]] = True
    inside[no + b[violated]] = True
    arcs, label = _groups(link, inside, a, no + b, n_nodes)
    if dense is None:
        dense = a.size > DENSE_ARCS
    group_arcs = budget.group_arcs_dense if dense else budget.group_arcs
    split_arcs = budget.split_arcs_dense if dense else budget.split_arcs
    for _ in range(budget.growth_rounds):
        sizes = np.bincount(label[a[arcs]], minlength=n_nodes)
        small = inside & (sizes[label] < group_arcs)
        touch = link & (small[a] | small[no + b])
        inside[a[touch]] = True
        inside[no + b[touch]] = True
        arcs, label = _groups(link, inside, a, no + b, n_nodes)
    # Groups that grew too large for a quick MIP are split into disjoint small ones.
    sizes = np.bincount(label[a[arcs]], minlength=n_nodes)
    big = sizes[label] > split_arcs
    if big.any():
        in_big = np.zeros(a.size, dtype=bool)
        in_big[arcs] = big[a[arcs]]
        owner = _claim(np.flatnonzero(violated & in_big), in_big, a, no + b, n_nodes, budget)
        label = np.where(big, n_nodes + owner, label)
        arcs = arcs[
            ~in_big[arcs] | ((owner[a[arcs]] >= 0) & (owner[a[arcs]] == owner[no + b[arcs]]))
        ]
    # Capacities net of the flow that stays fixed: arcs in no group.
    fixed = flow.copy()
    fixed[arcs] = 0
    o_left = oq - np.bincount(a, weights=fixed, minlength=no).astype(np.int64)
    r_left = rq - np.bincount(b, weights=fixed, minlength=rq.size).astype(np.int64)
    out = flow.copy()
    arc_group = label[a[arcs]]
    order = np.argsort(arc_group, kind="stable")
    arcs, arc_group = arcs[order], arc_group[order]
    fallbacks = 0
    for g_arcs in np.split(arcs, np.flatnonzero(np.diff(arc_group)) + 1):
        if not violated[g_arcs].any():
            continue
        uo, ga = np.unique(a[g_arcs], return_inverse=True)
        ur, gb = np.unique(b[g_arcs], return_inverse=True)
        oq_g, rq_g, least_g = o_left[uo], r_left[ur], least[g_arcs]
        x, finished = _group_mip(oq_g, rq_g, ga, gb, -cost[g_arcs], least_g, time_limit, budget)
        fallbacks += not finished
        dropped = np.where(violated[g_arcs], 0, flow[g_arcs])
        if x is None or (
            not finished and float(-cost[g_arcs] @ x) <= float(-cost[g_arcs] @ dropped)
        ):
            out[g_arcs] = dropped  # the relaxed flow with the violated deals set to 0
            continue
        # Whole quantities for the MIP's choice: pairs with a minimum kept (with it as a lower
        # bound) only where the MIP met it. The MIP's answer is feasible here, so nothing is lost.
        met = (least_g > 1) & (x >= least_g - 1e-6)
        keep = np.flatnonzero((least_g <= 1) | met)
        out[g_arcs] = 0
        out[g_arcs[keep]] = bounded_flow(
            oq_g,
            rq_g,
            ga[keep],
            gb[keep],
            cost[g_arcs[keep]],
            np.where(met[keep], least_g[keep], 0),
        )
    out[violated & ~np.isin(np.arange(a.size), arcs)] = 0  # violated deals in no group
    if stats is not None:
        stats["mip_fallbacks"] = stats.get("mip_fallbacks", 0) + fallbacks
    # 3. Polish around what changed: the pairs with an end at a listing of a group or of a
    # violated deal, with the other pairs' flow fixed. Pairs with a minimum are kept (with it as
    # lower bound) only where it was met.
    touched = inside.copy()
    touched[a[violated]] = True
    touched[no + b[violated]] = True
    has_min = least > 1
    met = has_min & (out >= least)
    free = (touched[a] | touched[no + b]) & (~has_min | met)
    held = np.where(free, 0, out)
    o_cap = oq - np.bincount(a, weights=held, minlength=no).astype(np.int64)
    r_cap = rq - np.bincount(b, weights=held, minlength=rq.size).astype(np.int64)
    # A pair whose untouched end has nothing left for it can carry nothing: left out.
    free &= (touched[a] | (o_cap[a] > 0)) & (touched[no + b] | (r_cap[b] > 0))
    idx = np.flatnonzero(free)
    polished = held.copy()
    polished[idx] = bounded_flow(
        o_cap, r_cap, a[idx], b[idx], cost[idx], np.where(met[idx], least[idx], 0)
    )
    # 4. Rounding by flows alone over the pairs the polish freed (the relaxed flow fixed
    # elsewhere); the better answer.
    in_region = touched[a] | touched[no + b]
    region = np.flatnonzero(in_region)
    rounded = np.where(in_region, 0, flow)
    o_net = oq - np.bincount(a, weights=rounded, minlength=no).astype(np.int64)
    r_net = rq - np.bincount(b, weights=rounded, minlength=rq.size).astype(np.int64)
    rounded[region] = round_and_repair(
        o_net, r_net, a[region], b[region], cost[region], least[region], flow[region]
    )
    if int(cost @ rounded) < int(cost @ polished):
        if stats is not None:
            stats["rounding_chosen"] = stats.get("rounding_chosen", 0) + 1
        return rounded
    return polished


def _claim(seeds, link, a_node, b_node, n_nodes, budget: Budget = CLI_BUDGET) -> np.ndarray:
    """Group of each node (-1: none). Each violated arc in `seeds`, in order, starts a group with
    its two ends (or joins the group that owns one of them) and grows breadth first along `link`
    for GROWTH_ROUNDS rounds over nodes no group owns yet, up to CLAIM_NODES nodes: the groups
    are disjoint and small, so each MIP is quick."""
    arcs = np.flatnonzero(link)
    ends = np.r_[a_node[arcs], b_node[arcs]]
    other = np.r_[b_node[arcs], a_node[arcs]]
    order = np.argsort(ends, kind="stable")
    nbr = other[order].tolist()
    ptr = np.searchsorted(ends[order], np.arange(n_nodes + 1)).tolist()
    owner = [-1] * n_nodes
    for e in seeds.tolist():
        u, v = int(a_node[e]), int(b_node[e])
        g = owner[u] if owner[u] >= 0 else owner[v] if owner[v] >= 0 else e
        if owner[u] not in (-1, g) or owner[v] not in (-1, g):
            continue  # spans two groups: left to the fallback
        front = [w for w in (u, v) if owner[w] < 0]
        for w in front:
            owner[w] = g
        size = 2
        for _ in range(budget.growth_rounds):
            nxt = []
            for w in front:
                for x in nbr[ptr[w] : ptr[w + 1]]:
                    if owner[x] < 0 and size < budget.claim_nodes:
                        owner[x] = g
                        size += 1
                        nxt.append(x)
            front = nxt
    return np.asarray(owner, dtype=np.int64)


def _groups(link, inside, a_node, b_node, n_nodes):
    """The arcs of `link` with both ends inside, and the connected-component label of each node."""
    arcs = np.flatnonzero(link & inside[a_node] & inside[b_node])
    graph = csr_matrix((np.ones(arcs.size), (a_node[arcs], b_node[arcs])), shape=(n_nodes, n_nodes))
    return arcs, connected_components(graph, directed=False)[1]
