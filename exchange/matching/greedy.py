"""Best-pair-first greedy allocation, a baseline for the benchmark (not used by the engine).

Compatible pairs in decreasing surplus per unit (ties: offer, then request, in listing order); each
pair gets the least of what its offer and its request still have.
"""

from __future__ import annotations

import numpy as np

from .candidates import Candidates


def greedy_allocate(cand: Candidates) -> np.ndarray:
    """Whole quantities per candidate pair (aligned with `cand`)."""
    flow = np.zeros(len(cand), dtype=np.int64)
    if len(cand) == 0:
        return flow
    left_o = [o.quantity for o in cand.offers]
    left_r = [r.quantity for r in cand.requests]
    order = np.lexsort((cand.request_idx, cand.offer_idx, -cand.surplus))
    order = order[cand.surplus[order] > 0]
    oi = cand.offer_idx[order].tolist()
    rj = cand.request_idx[order].tolist()
    taken = []
    for k, i, j in zip(order.tolist(), oi, rj, strict=True):
        lo = left_o[i]
        if lo == 0:
            continue
        lr = left_r[j]
        if lr == 0:
            continue
        q = lo if lo < lr else lr
        left_o[i] = lo - q
        left_r[j] = lr - q
        taken.append((k, q))
    if taken:
        ks, qs = zip(*taken, strict=True)
        flow[list(ks)] = qs
    return flow
