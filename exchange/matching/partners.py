"""What could flow between reciprocal partners, for the whole market at once.

A pair {A, B} is reciprocal when each can sell to the other (``reciprocal.reciprocal_rows``,
over the engine's compatible pairs). For every direction and commodity between such a pair:
the most that could move (the smaller of the seller's compatible supply and the buyer's
compatible demand, each listing counted once) and the nearest pair's road distance. Pure and
vectorised: the clearing run computes it once for every pesantren, the pages read the rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .candidates import Candidates
from .model import Instance
from .reciprocal import reciprocal_rows


@dataclass(frozen=True)
class PartnerFlow:
    seller: str  # pesantren id
    buyer: str
    commodity: str  # slug
    quantity: int
    distance_km: float


def _group_sum(groups: np.ndarray, listing: np.ndarray, qty: np.ndarray, n: int) -> np.ndarray:
    """Per group, the sum of the quantities of its distinct listings."""
    pairs = np.unique(np.stack([groups, listing], axis=1), axis=0)
    return np.bincount(pairs[:, 0], qty[pairs[:, 1]], n)


def partner_flows(instance: Instance, cand: Candidates) -> tuple[PartnerFlow, ...]:
    """Every (seller, buyer, commodity) flow between reciprocal partners, sorted by ids."""
    n = np.int64(len(instance.pesantren))
    rows = reciprocal_rows(cand, int(n))
    if len(rows) == 0:
        return ()
    u, v = cand.offer_pes, cand.request_pes
    keep = np.isin(np.minimum(u, v) * n + np.maximum(u, v), rows[:, 0] * n + rows[:, 1])
    slugs = sorted({o.commodity for o in cand.offers})
    code = {s: k for k, s in enumerate(slugs)}
    com = np.array([code[o.commodity] for o in cand.offers], dtype=np.int64)
    oi, ri = cand.offer_idx[keep], cand.request_idx[keep]
    key = (u[keep] * n + v[keep]) * len(slugs) + com[oi]
    keys, group = np.unique(key, return_inverse=True)
    group = group.ravel()
    oq = np.array([o.quantity for o in cand.offers], dtype=np.float64)
    rq = np.array([r.quantity for r in cand.requests], dtype=np.float64)
    supply = _group_sum(group, oi, oq, len(keys))
    demand = _group_sum(group, ri, rq, len(keys))
    nearest = np.full(len(keys), np.inf)
    np.minimum.at(nearest, group, cand.distance[keep])
    ids = [p.id for p in instance.pesantren]
    out = []
    for k, s, d, dist in zip(
        keys.tolist(), supply.tolist(), demand.tolist(), nearest.tolist(), strict=True
    ):
        pair, c = divmod(k, len(slugs))
        seller, buyer = divmod(pair, int(n))
        out.append(PartnerFlow(ids[seller], ids[buyer], slugs[c], int(min(s, d)), float(dist)))
    return tuple(sorted(out, key=lambda f: (int(f.seller), int(f.buyer), f.commodity)))
