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
from ortools.graph.python import min_cost_flow

from .arrays import unique_inverse
from .candidates import Candidates, compatible_pairs
from .model import Deal, Instance, Result, choose_akad
from .reciprocal import reciprocal_pairs

#: Surplus per unit is scaled to whole hundredths of a rupiah for the integer solver.
COST_SCALE = 100


def _solve_flow(
    oq: np.ndarray, rq: np.ndarray, a: np.ndarray, b: np.ndarray, cost: np.ndarray
) -> np.ndarray:
    """Min-cost flow for one commodity. `a`, `b`: local offer and request indices of the arcs;
    `cost`: negative integer cost per unit. Returns the flow on each arc (int64)."""
    no, nr = oq.size, rq.size
    sink = no + nr
    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(a, no + b, np.minimum(oq[a], rq[b]), cost)
    mcf.add_arcs_with_capacity_and_unit_cost(
        np.arange(no, dtype=np.int64),
        np.full(no, sink, dtype=np.int64),
        oq,
        np.zeros(no, dtype=np.int64),
    )
    mcf.add_arcs_with_capacity_and_unit_cost(
        no + np.arange(nr, dtype=np.int64),
        np.full(nr, sink, dtype=np.int64),
        rq,
        np.zeros(nr, dtype=np.int64),
    )
    supply = np.zeros(sink + 1, dtype=np.int64)
    supply[:no] = oq
    supply[sink] = -int(oq.sum())
    mcf.set_nodes_supplies(np.arange(sink + 1, dtype=np.int64), supply)
    status = mcf.solve()
    if status != mcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    return np.asarray(mcf.flows(np.arange(a.size, dtype=np.int64)), dtype=np.int64)


def allocate(cand: Candidates, scale: int = COST_SCALE) -> np.ndarray:
    """Welfare-maximising whole quantities for every candidate pair (aligned with `cand`).

    Pairs with zero surplus are left out (they add no welfare)."""
    flow = np.zeros(len(cand), dtype=np.int64)
    if len(cand) == 0:
        return flow
    oq_all = np.fromiter((o.quantity for o in cand.offers), dtype=np.int64, count=len(cand.offers))
    rq_all = np.fromiter(
        (r.quantity for r in cand.requests), dtype=np.int64, count=len(cand.requests)
    )
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
        flow[arcs] = _solve_flow(oq_all[ui], rq_all[uj], a, b, cost[arcs])
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

    Deterministic: the same instance gives the same result. `stats` holds the number of candidate
    pairs and the welfare."""
    if cand is None:
        cand = compatible_pairs(instance)
    flow = allocate(cand)
    # Reciprocal pairs follow FORMAT.md's compatibility, which has no minimum quantity.
    moq = any((l.min_quantity or 1) > 1 for l in instance.listings)
    return Result(
        deals=deals_from_flow(cand, flow),
        reciprocal_pairs=reciprocal_pairs(
            instance, compatible_pairs(instance, moq=False) if moq else cand
        ),
        stats={
            "listings": len(instance.listings),
            "candidate_pairs": len(cand),
            "welfare": welfare(cand, flow),
        },
        format_version=instance.format_version,
    )
