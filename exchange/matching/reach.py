"""Unmet demand and idle supply: which open requests no open offer can reach, and why.

The rule is the matching engine's own (``exchange.matching.candidates.compatible_pairs``, the
vectorised form of ``explain()``): same commodity, other pesantren, grade, windows from the first
possible handover day, a common akad, the minimum quantity per deal, the road distance between
the two listings' places (great-circle x the road factor) within the request's limit, and a
surplus per unit that is not negative. What stands in the way of an unmet request is found by
the same rule with one condition lifted at a time: the price (then which offers are within reach),
then also the distance (which offers are of the right kind). Pure: an engine instance in, plain
rows out; no copy of the rule lives here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from exchange.matching.candidates import Candidates, compatible_pairs
from exchange.matching.model import Instance

#: A request price no transport can reach: with it every pair has a surplus (the price lifted).
UNREACHABLE_PRICE = 10**15


@dataclass(frozen=True)
class Open:
    """An open listing as the dashboard groups it (the engine's instance holds the rest)."""

    listing_id: int
    side: str
    pesantren_id: int
    regency: str
    commodity_id: int
    remaining: int
    price: int


@dataclass(frozen=True)
class Gap:
    """The nearest thing to a match for an unmet request, and what stands in the way."""

    request_id: int
    unmet: int  # quantity no compatible offer covers
    offer_id: int | None  # the best offer but for price or distance; None: nothing at all
    distance_km: float | None  # road km between the two listings' places
    delivered_price: int | None  # offer price plus transport to the request
    price_gap: int | None  # delivered price minus the request's price (rupiah per unit)
    # "price", "distance", "quantity" (partly covered), "none" (no offer of this kind and time)
    blocked_by: str


@dataclass(frozen=True)
class Reach:
    gaps: tuple[Gap, ...]  # unmet requests only, most unmet first
    idle: dict[int, int]  # offer listing id -> quantity no open request can take


def reach(
    instance: Instance,
    requests: Mapping[int, int],
    offers: Mapping[int, int],
    fits: Candidates | None = None,
) -> Reach:
    """Check every open request against every open offer with the engine's rule.

    ``requests`` and ``offers``: every open listing id -> its remaining quantity. The listings
    of ``instance`` (ids are the listing ids as strings) are those of them that can take part
    in a deal at all (adapter.takes_part); the others can neither be met nor meet anyone.
    ``fits``: ``compatible_pairs(instance)`` when the caller has it already (the clearing run)."""
    if fits is None:
        fits = compatible_pairs(instance)
    oq, rq = _quantities(fits)
    covered = _by_id(fits.requests, np.bincount(fits.request_idx, oq[fits.offer_idx], len(rq)))
    taken = _by_id(fits.offers, np.bincount(fits.offer_idx, rq[fits.request_idx], len(oq)))
    unmet = {
        rid: left - covered.get(rid, 0)
        for rid, left in requests.items()
        if left > covered.get(rid, 0)
    }
    gaps = _gaps(instance, fits, unmet)
    idle = {oid: left - taken.get(oid, 0) for oid, left in offers.items()}
    return Reach(
        tuple(sorted(gaps, key=lambda g: (-g.unmet, g.request_id))),
        {oid: q for oid, q in sorted(idle.items()) if q > 0},
    )


def _quantities(cand: Candidates) -> tuple[np.ndarray, np.ndarray]:
    oq = np.array([o.quantity for o in cand.offers], dtype=np.float64)
    rq = np.array([r.quantity for r in cand.requests], dtype=np.float64)
    return oq, rq


def _by_id(listings, sums: np.ndarray) -> dict[int, int]:
    return {int(listings[k].id): int(v) for k, v in enumerate(sums.tolist()) if v}


def _subset(cand: Candidates, mask: np.ndarray) -> Candidates:
    fields = ("offer_idx", "request_idx", "surplus", "distance", "transport")
    fields += ("offer_pes", "request_pes")
    return Candidates(cand.offers, cand.requests, *(getattr(cand, f)[mask] for f in fields))


def _best(cand: Candidates, key: np.ndarray) -> dict[int, tuple[int, float, float]]:
    """Per request id, the pair that minimises `key` (ties: the lower offer id):
    (offer id, distance, transport)."""
    if len(cand) == 0:
        return {}
    offer_id = np.array([int(o.id) for o in cand.offers], dtype=np.int64)[cand.offer_idx]
    order = np.lexsort((offer_id, key, cand.request_idx))
    first = order[np.r_[True, np.diff(cand.request_idx[order]) != 0]]
    return {
        int(cand.requests[int(cand.request_idx[k])].id): (
            int(offer_id[k]),
            float(cand.distance[k]),
            float(cand.transport[k]),
        )
        for k in first.tolist()
    }


def _gaps(instance: Instance, fits: Candidates, unmet: dict[int, int]) -> list[Gap]:
    wanted = {str(rid) for rid in unmet}
    offers = instance.offers
    asked = tuple(replace(x, price=UNREACHABLE_PRICE) for x in instance.requests if x.id in wanted)
    # Within reach whatever the price; then also whatever the distance.
    near = compatible_pairs(replace(instance, listings=offers + asked))
    anywhere = tuple(replace(x, max_distance_km=None) for x in asked)
    kind = compatible_pairs(replace(instance, listings=offers + anywhere))
    offer_price = {int(o.id): o.price for o in offers}
    request_price = {int(r.id): r.price for r in instance.requests}
    n_r = max(1, len(instance.requests))
    fit_keys = set((_ids(fits, "offer") * n_r + _ids(fits, "request")).tolist())
    near_keys = _ids(near, "offer") * n_r + _ids(near, "request")
    near_cost = _prices(near) + near.transport
    dear = np.fromiter((k not in fit_keys for k in near_keys.tolist()), bool, len(near))
    cheapest_near = _best(near, near_cost)
    cheapest_dear = _best(_subset(near, dear), near_cost[dear])
    nearest = _best(kind, kind.distance)
    partly = {int(fits.requests[j].id) for j in set(fits.request_idx.tolist())}
    gaps = []
    for rid, left in sorted(unmet.items()):
        if rid in partly:
            found, blocked = cheapest_dear.get(rid), "quantity"
        elif rid in cheapest_near:
            found, blocked = cheapest_near[rid], "price"
        elif rid in nearest:
            found, blocked = nearest[rid], "distance"
        else:
            found, blocked = None, "none"
        gaps.append(_gap(rid, left, found, offer_price, request_price, blocked))
    return gaps


def _ids(cand: Candidates, side: str) -> np.ndarray:
    """The numeric listing id of each pair's offer (or request)."""
    listings, idx = (
        (cand.offers, cand.offer_idx) if side == "offer" else (cand.requests, cand.request_idx)
    )
    return np.array([int(x.id) for x in listings], dtype=np.int64)[idx]


def _prices(cand: Candidates) -> np.ndarray:
    return np.array([o.price for o in cand.offers], dtype=np.float64)[cand.offer_idx]


def _gap(rid: int, left: int, found, offer_price: dict, request_price: dict, blocked) -> Gap:
    if found is None:  # nothing of this kind, or partly covered with no dearer offer in reach
        return Gap(rid, left, None, None, None, None, blocked)
    offer_id, distance, transport = found
    delivered = int(round(offer_price[offer_id] + transport))
    return Gap(
        request_id=rid,
        unmet=left,
        offer_id=offer_id,
        distance_km=round(distance, 1),
        delivered_price=delivered,
        price_gap=delivered - request_price[rid],
        blocked_by=blocked,
    )
