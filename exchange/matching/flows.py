"""One commodity's min-cost flow with bounds per arc (OR-tools), the building block of the relaxed
flow, column generation, the allocation with minimums and the rounding."""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow


def bounded_flow(
    oq: np.ndarray,
    rq: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    cost: np.ndarray,
    lower: np.ndarray | None = None,
    upper: np.ndarray | None = None,
) -> np.ndarray:
    """Min-cost flow of one commodity: offers (supply `oq`) to requests (capacity `rq`) along arcs
    `a` -> `b` with integer `cost` per unit (negative: a gain), between `lower` (default 0) and
    `upper` (default min(oq[a], rq[b])) per arc; offers may keep stock unsold. The lower bounds
    must be feasible. Returns the whole flow on each arc (int64)."""
    no, nr = oq.size, rq.size
    if upper is None:
        upper = np.minimum(oq[a], rq[b])
    if lower is None:
        lower = np.zeros(a.size, dtype=np.int64)
    supply_o = oq - np.bincount(a, weights=lower, minlength=no).astype(np.int64)
    cap_r = rq - np.bincount(b, weights=lower, minlength=nr).astype(np.int64)
    if a.size == 0:
        return np.zeros(0, dtype=np.int64)
    sink = no + nr
    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(a, no + b, upper - lower, cost)
    nodes_o = np.arange(no, dtype=np.int64)
    mcf.add_arcs_with_capacity_and_unit_cost(
        nodes_o, np.full(no, sink, dtype=np.int64), supply_o, np.zeros(no, dtype=np.int64)
    )
    mcf.add_arcs_with_capacity_and_unit_cost(
        no + np.arange(nr, dtype=np.int64),
        np.full(nr, sink, dtype=np.int64),
        cap_r,
        np.zeros(nr, dtype=np.int64),
    )
    supply = np.zeros(sink + 1, dtype=np.int64)
    supply[:no] = supply_o
    supply[sink] = -int(supply_o.sum())
    mcf.set_nodes_supplies(np.arange(sink + 1, dtype=np.int64), supply)
    status = mcf.solve()
    if status != mcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    return lower + np.asarray(mcf.flows(np.arange(a.size, dtype=np.int64)), dtype=np.int64)
