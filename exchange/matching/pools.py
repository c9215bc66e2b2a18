"""Pool suggestions (patungan, issue 30): requests that fail only on a seller's minimum, grouped
at a common hub so that together they reach it. Pure: instance in, suggestions out.

For an offer ``o`` with a minimum ``m``, a request ``r`` is a *candidate* when the pair is
compatible by the engine's rule without the minimum (``candidates.compatible_pairs(moq=False)``)
and fails only on the seller's minimum: ``r.quantity < m`` while ``r``'s own minimum would not
stop the pair. A *pool* for ``o`` is a hub ``h`` (the place of one candidate) and a set ``S`` of
candidates holding ``h``'s request such that: every member is within ``max_distance_km`` road km
of ``h``; delivered at ``h`` each member still fits ``o`` (``o`` within the member's distance
limit of ``h``, the member's price covers the offer's price plus the transport to ``h``); ``o``
and all members share a day of their windows and an akad; and the members' total reaches ``m``.
Its value is what the offer can serve of it, ``min(total, o.quantity)``.

``suggest`` returns, per offer, a pool of the greatest value. It is exact: any pool ``S`` has a
common day ``d`` (the latest window start among ``o`` and ``S``) and a common akad ``a``, so
``S`` lies inside ``E(h, d, a)``, every candidate near ``h`` that fits at ``h``, is open on
``d`` and accepts ``a``; that set is itself a pool when it reaches ``m``, and the value only
grows with the set. So the best ``E(h, d, a)`` over hubs, days and akad is the best pool
(tests/matching/test_pools.py checks it against every subset on small random markets).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from .candidates import compatible_pairs
from .geo import radians, road_distance_km
from .model import AKAD_CODES, Instance, Listing

DEFAULT_POOL_KM = 25.0


@dataclass(frozen=True)
class PoolSuggestion:
    offer: str
    hub: str  # the request whose place is the hub
    hub_lat: float
    hub_lon: float
    requests: tuple[str, ...]  # the members, by id
    quantity: int  # the members' total
    day: date  # a day every window holds
    akad: str
    value: int  # min(quantity, offer quantity): what the offer can serve


def _km(a: tuple[float, float], b: tuple[float, float], road_factor: float) -> float:
    la, lo = radians([a[0], b[0]]), radians([a[1], b[1]])
    return float(road_distance_km(la[0], lo[0], la[1], lo[1], road_factor))


def places(instance: Instance) -> dict[str, tuple[float, float]]:
    """Each listing's place (its own, else its pesantren's), by listing id."""
    pes = {p.id: (p.lat, p.lon) for p in instance.pesantren}
    return {
        l.id: (l.lat, l.lon) if l.lat is not None and l.lon is not None else pes[l.pesantren]
        for l in instance.listings
    }


def candidates(instance: Instance, only: set[str] | None = None) -> dict[str, list[Listing]]:
    """Per offer with a minimum, the requests that fit it but for the seller's minimum (of
    ``only`` when given: e.g. the requests a clearing run left unmet)."""
    cand = compatible_pairs(instance, moq=False)
    out: dict[str, list[Listing]] = {}
    for i, j in zip(cand.offer_idx.tolist(), cand.request_idx.tolist(), strict=True):
        o, r = cand.offers[i], cand.requests[j]
        if only is not None and r.id not in only:
            continue
        m = o.min_quantity or 1
        if r.quantity < m and (r.min_quantity or 1) <= min(o.quantity, r.quantity):
            out.setdefault(o.id, []).append(r)
    return out


def fits_at_hub(
    o: Listing, r: Listing, o_place, hub, transport_per_km: float, road_factor: float
) -> bool:
    """``r`` still fits ``o`` when delivered at the hub: distance limit and price."""
    d = _km(o_place, hub, road_factor)
    if r.max_distance_km is not None and d > r.max_distance_km:
        return False
    return r.price - o.price - transport_per_km * d >= 0


def suggest(
    instance: Instance, max_distance_km: float = DEFAULT_POOL_KM, only: set[str] | None = None
) -> list[PoolSuggestion]:
    """Per offer with a minimum that some requests fail only on, the best pool (module doc),
    sorted by offer id. Deterministic: ties go to the earliest hub, day and akad."""
    at = places(instance)
    cost = {c.slug: c.transport_cost_per_unit_km for c in instance.commodities}
    rf = instance.road_factor
    out = []
    for offer_id, cands in sorted(candidates(instance, only).items(), key=lambda kv: _key(kv[0])):
        o = next(l for l in instance.offers if l.id == offer_id)
        best = _best(
            o, sorted(cands, key=lambda r: _key(r.id)), at, cost[o.commodity], rf, max_distance_km
        )
        if best is not None:
            out.append(best)
    return out


def _best(o, cands, at, per_km, rf, max_km) -> PoolSuggestion | None:
    m = o.min_quantity or 1
    lat = radians([at[r.id][0] for r in cands])
    lon = radians([at[r.id][1] for r in cands])
    olat, olon = radians([at[o.id][0]]), radians([at[o.id][1]])
    # between candidates (hub x member), and from the offer to each hub: the engine's formula
    apart = road_distance_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :], rf)
    to_hub = road_distance_km(olat, olon, lat, lon, rf)
    price = np.array([r.price for r in cands], dtype=np.float64)
    limit = np.array([np.inf if r.max_distance_km is None else r.max_distance_km for r in cands])
    qty = np.array([r.quantity for r in cands], dtype=np.int64)
    best, best_key = None, None
    for k, h in enumerate(cands):
        fits = (apart[k] <= max_km) & (limit >= to_hub[k])
        fits &= price - o.price - per_km * to_hub[k] >= 0
        if int(qty[fits].sum()) < m:
            continue
        near = [cands[i] for i in np.flatnonzero(fits).tolist()]
        days = sorted({o.window_start, *(r.window_start for r in near)})
        for d in days:
            if not o.window_start <= d <= o.window_end:
                continue
            for a in [x for x in AKAD_CODES if x in o.akad]:
                group = [r for r in near if r.window_start <= d <= r.window_end and a in r.akad]
                total = sum(r.quantity for r in group)
                if total < m or h not in group:
                    continue
                value = min(total, o.quantity)
                key = (-value, len(group))
                if best_key is None or key < best_key:
                    best_key = key
                    hub = at[h.id]
                    members = tuple(r.id for r in group)
                    best = PoolSuggestion(o.id, h.id, hub[0], hub[1], members, total, d, a, value)
    return best


def _key(listing_id: str):
    return (0, int(listing_id), "") if listing_id.isdigit() else (1, 0, listing_id)


def disjoint(suggestions: list[PoolSuggestion]) -> list[PoolSuggestion]:
    """Pools that share no request, greatest value first (a request joins one pool)."""
    taken: set[str] = set()
    out = []
    for s in sorted(suggestions, key=lambda s: (-s.value, _key(s.offer))):
        if taken.isdisjoint(s.requests):
            taken.update(s.requests)
            out.append(s)
    return out


def pooled_instance(instance: Instance, pools: list[PoolSuggestion]) -> Instance:
    """The instance with each pool's members replaced by one request at its hub, as the app's
    pool listing is: the members' total, the lowest member price, the strictest grade, the
    common window, the pool's akad, the hub's pesantren (the member whose place it is)."""
    by_id = {l.id: l for l in instance.listings}
    gone: set[str] = set()
    added = []
    for k, s in enumerate(pools):
        members = [by_id[r] for r in s.requests]
        gone.update(s.requests)
        limits = [r.max_distance_km for r in members if r.max_distance_km is not None]
        added.append(
            replace(
                by_id[s.hub],
                id=f"pool{k}",
                quantity=s.quantity,
                price=min(r.price for r in members),
                grade=max(r.grade for r in members),
                window_start=max(r.window_start for r in members),
                window_end=min(r.window_end for r in members),
                max_distance_km=min(limits) if limits else None,
                akad=(s.akad,),
                lat=s.hub_lat,
                lon=s.hub_lon,
                min_quantity=None,
            )
        )
    kept = tuple(l for l in instance.listings if l.id not in gone)
    return replace(instance, listings=kept + tuple(added))


def served(
    instance: Instance, flow_by_request: dict[str, int], pools: list[PoolSuggestion]
) -> dict[str, int]:
    """What each original request receives once pools are matched: a pool's allocation goes to
    its members in the order they are listed, each up to its own quantity."""
    quantity = {l.id: l.quantity for l in instance.listings}
    out = {r: q for r, q in flow_by_request.items() if not r.startswith("pool")}
    for k, s in enumerate(pools):
        left = flow_by_request.get(f"pool{k}", 0)
        for r in s.requests:
            take = min(left, quantity[r])
            if take:
                out[r] = take
            left -= take
    return out
