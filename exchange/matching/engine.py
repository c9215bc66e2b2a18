"""The welfare-maximising matching engine: an instance in, proposed deals out.

The allocation is a transportation problem (a max-weight b-matching): each offer supplies up to its
quantity, each request takes up to its quantity, and one unit sent along a compatible pair earns its
surplus per unit. It is solved exactly as a min-cost flow with OR-tools' `SimpleMinCostFlow`
(cost scaling, compiled, single-threaded and deterministic):

    offer --(cost -surplus x SCALE)--> request --(cap = request qty)--> sink
    offer --(cap = offer qty, cost 0)--> sink          (what stays unsold)

Offers and requests of different commodities never meet, so each commodity is its own flow problem;
solving them apart is about three times faster than one big network.

The engine proposes only sales for money, an offer against a request, by construction: it never
proposes barter (goods against goods), even between reciprocal pesantren.

The proposed price per unit, at the seller's gate, splits the surplus evenly:
`offer.price + floor(surplus / 2)`, kept whole and within
`[offer.price, request.price - transport]`.
"""

from __future__ import annotations

import numpy as np

from .arrays import unique_inverse
from .candidates import (
    Candidates,
    ListingArrays,
    compatible_pairs,
    pesantren_rows,
)
from .columns import relaxed_pairs
from .flows import bounded_flow
from .minimums import (
    CLI_BUDGET,
    DENSE_ARCS,
    TIME_LIMIT,
    Budget,
    allocate_with_minimums,
)
from .model import Deal, Instance, Result, choose_akad
from .reciprocal import EdgeBits, reciprocal_pairs

#: Surplus per unit is scaled to whole hundredths of a rupiah for the integer solver.
COST_SCALE = 100


def allocate(
    cand: Candidates,
    scale: int = COST_SCALE,
    time_limit: float = TIME_LIMIT,
    stats: dict | None = None,
    budget: Budget = CLI_BUDGET,
) -> np.ndarray:
    """Welfare-maximising whole quantities for every candidate pair (aligned with `cand`), each
    positive one at least the larger `min_quantity` of its two listings.

    Without minimums the min-cost flow is exact; with them, `minimums.allocate_with_minimums`
    (flow, local exact MIPs within `time_limit` seconds each, polish). Pairs with zero surplus are
    left out (they add no welfare). `stats`, when given, receives counts of the work done."""
    flow = np.zeros(len(cand), dtype=np.int64)
    if len(cand) == 0:
        return flow
    n_o, n_r = len(cand.offers), len(cand.requests)
    oq_all = np.fromiter((o.quantity for o in cand.offers), dtype=np.int64, count=n_o)
    rq_all = np.fromiter((r.quantity for r in cand.requests), dtype=np.int64, count=n_r)
    omin = np.fromiter((o.min_quantity or 1 for o in cand.offers), dtype=np.int64, count=n_o)
    rmin = np.fromiter((r.min_quantity or 1 for r in cand.requests), dtype=np.int64, count=n_r)
    cost = -np.rint(cand.surplus * scale).astype(np.int64)
    useful = np.nonzero(cost < 0)[0]
    # Group arcs by commodity; commodity ids follow first appearance in the offers (deterministic).
    slugs = {}
    ocom = np.fromiter(
        (slugs.setdefault(o.commodity, len(slugs)) for o in cand.offers),
        dtype=np.int64,
        count=len(cand.offers),
    )
    arc_com = ocom[cand.offer_idx[useful]]
    order = np.argsort(arc_com, kind="stable")
    useful, arc_com = useful[order], arc_com[order]
    bounds = np.flatnonzero(np.diff(arc_com)) + 1
    for arcs in np.split(useful, bounds):
        if arcs.size == 0:
            continue
        ui, a = unique_inverse(cand.offer_idx[arcs])
        uj, b = unique_inverse(cand.request_idx[arcs])
        if (omin[ui] > 1).any() or (rmin[uj] > 1).any():
            flow[arcs] = allocate_with_minimums(
                oq_all[ui],
                rq_all[uj],
                omin[ui],
                rmin[uj],
                a,
                b,
                cost[arcs],
                time_limit,
                stats,
                budget=budget,
            )
        else:
            flow[arcs] = bounded_flow(oq_all[ui], rq_all[uj], a, b, cost[arcs])
    return flow


def deal_prices(cand: Candidates, idx: np.ndarray) -> np.ndarray:
    """Proposed whole price per unit at the seller's gate for the pairs `idx`: the offer price
    plus half the surplus (rounded down), clamped to [offer price, request price - transport]."""
    o_price = np.array([cand.offers[i].price for i in cand.offer_idx[idx].tolist()], dtype=np.int64)
    r_price = np.array(
        [cand.requests[j].price for j in cand.request_idx[idx].tolist()], dtype=np.int64
    )
    half = np.floor(cand.surplus[idx] / 2).astype(np.int64)
    ceiling = np.floor(r_price - cand.transport[idx]).astype(np.int64)
    return np.maximum(o_price, np.minimum(o_price + half, ceiling))


def deals_from_flow(cand: Candidates, flow: np.ndarray) -> tuple[Deal, ...]:
    """Deals for the pairs with positive flow, sorted by (offer id, request id); each proposes
    the buyer's most preferred akad that the seller accepts (`choose_akad`)."""
    idx = np.flatnonzero(flow > 0)
    prices = deal_prices(cand, idx)
    o, r = cand.offers, cand.requests
    deals = [
        Deal(o[i].id, r[j].id, q, p, choose_akad(o[i].akad, r[j].akad))
        for i, j, q, p in zip(
            cand.offer_idx[idx].tolist(),
            cand.request_idx[idx].tolist(),
            flow[idx].tolist(),
            prices.tolist(),
            strict=True,
        )
    ]
    deals.sort()
    return tuple(deals)


def welfare(cand: Candidates, flow: np.ndarray) -> float:
    """Sum over pairs of quantity x surplus per unit."""
    return float(np.dot(flow.astype(np.float64), cand.surplus)) if len(cand) else 0.0


def solve(instance: Instance, cand: Candidates | None = None) -> Result:
    """The welfare-maximising proposals for an instance, and its reciprocal pairs.

    Without `cand`, by column generation (`columns.py`): only each listing's best pairs and the
    pairs the flow's duals price in are ever kept; the relaxed flow is the optimum over every
    pair. With `cand` (every compatible pair, as the app builds it), over those pairs.

    Deterministic: the same instance gives the same result. `stats` holds the number of candidate
    pairs and the welfare."""
    if cand is None:
        return solve_by_columns(instance)
    moq = any((l.min_quantity or 1) > 1 for l in instance.listings)
    # Reciprocal pairs follow FORMAT.md's compatibility, which has no minimum quantity.
    pairs = reciprocal_pairs(instance, compatible_pairs(instance, moq=False) if moq else cand)
    stats: dict = {}
    flow = allocate(cand, stats=stats)
    return Result(
        deals=deals_from_flow(cand, flow),
        reciprocal_pairs=pairs,
        stats={
            "listings": len(instance.listings),
            "candidate_pairs": len(cand),
            "welfare": welfare(cand, flow),
            **stats,
        },
        format_version=instance.format_version,
    )


def solve_by_columns(
    instance: Instance, time_limit: float = TIME_LIMIT, prune: bool = True
) -> Result:
    """`solve` by column generation, commodity by commodity (see `columns.py`); with minimums,
    `minimums.allocate_with_minimums` then works on the kept pairs from the relaxed flow.
    `prune=False`: no distance bound in the first pass (the same result, for tests)."""
    rows, lat, lon = pesantren_rows(instance)
    n_pes = len(instance.pesantren)
    offers, requests = instance.offers, instance.requests
    o_by_c: dict[str, list[int]] = {}
    r_by_c: dict[str, list[int]] = {}
    for i, l in enumerate(offers):
        o_by_c.setdefault(l.commodity, []).append(i)
    for j, l in enumerate(requests):
        r_by_c.setdefault(l.commodity, []).append(j)
    parts, flows = [], []
    edge_bits = EdgeBits(n_pes)
    stats: dict = {"pairs_useful": 0, "pricing_rounds": 0, "priced_in": 0}
    for c in instance.commodities:
        oi = np.asarray(o_by_c.get(c.slug, []), dtype=np.int64)
        rj = np.asarray(r_by_c.get(c.slug, []), dtype=np.int64)
        if oi.size == 0 or rj.size == 0:
            continue
        oa = ListingArrays.build((offers[i] for i in oi), rows, lat, lon)
        ra = ListingArrays.build((requests[j] for j in rj), rows, lat, lon)
        cp = relaxed_pairs(
            oa,
            ra,
            float(c.transport_cost_per_unit_km),
            float(instance.road_factor),
            n_pes,
            edge_bits=edge_bits,
            prune=prune,
        )
        stats["pairs_useful"] += cp.useful
        stats["pricing_rounds"] = max(stats["pricing_rounds"], cp.rounds)
        stats["priced_in"] += cp.priced_in
        flow = cp.flow
        if flow.size and ((oa.moq[cp.a] > 1).any() or (ra.moq[cp.b] > 1).any()):
            flow = allocate_with_minimums(
                oa.quantity,
                ra.quantity,
                oa.moq,
                ra.moq,
                cp.a,
                cp.b,
                -np.rint(cp.surplus * COST_SCALE).astype(np.int64),
                time_limit,
                stats,
                relaxed=cp.flow,
                dense=cp.useful > DENSE_ARCS,
            )
        flows.append(flow)
        parts.append(
            (oi[cp.a], rj[cp.b], cp.surplus, cp.distance, cp.transport, oa.pes[cp.a], ra.pes[cp.b])
        )
    if parts:
        cols = [np.concatenate([p[k] for p in parts]) for k in range(7)]
        flow = np.concatenate(flows)
    else:
        cols = [np.empty(0, np.int64)] * 2 + [np.empty(0)] * 3 + [np.empty(0, np.int64)] * 2
        flow = np.zeros(0, np.int64)
    cand = Candidates(offers, requests, *cols)
    pairs = reciprocal_pairs(instance, rows=edge_bits.reciprocal_rows())
    return Result(
        deals=deals_from_flow(cand, flow),
        reciprocal_pairs=pairs,
        stats={
            "listings": len(instance.listings),
            "candidate_pairs": len(cand),
            "welfare": welfare(cand, flow),
            **stats,
        },
        format_version=instance.format_version,
    )
