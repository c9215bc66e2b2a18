"""Unmet demand and idle supply: which open requests no open offer can reach, and why.

A minimal, vectorised stand-in for the matching engine's candidate filter (that lives on the
matching branch): an offer can serve a request when they are for the same commodity, the offer's
grade is at least the request's, their windows overlap, the distance is within the request's
``max_distance_km`` and the offer's price plus transport reaches no higher than the request's
price. Pure: plain rows in, plain rows out; numpy for the pairwise checks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EARTH_RADIUS_KM = 6371.0
CHUNK = 512  # requests per block of the pairwise matrices (keeps memory small)


@dataclass(frozen=True)
class Open:
    """An open listing: its remaining quantity at its price, where and when."""

    listing_id: int
    pesantren_id: int
    regency: str
    commodity_id: int
    grade: int
    remaining: int
    price: int
    start: int  # date.toordinal()
    end: int
    lat: float
    lon: float
    max_distance_km: float | None = None  # requests only; None: any distance


@dataclass(frozen=True)
class Gap:
    """The nearest thing to a match for an unmet request, and what stands in the way."""

    request_id: int
    unmet: int  # quantity no compatible offer covers
    offer_id: int | None  # the best offer but for price or distance; None: nothing at all
    distance_km: float | None
    delivered_price: int | None  # offer price plus transport to the request
    price_gap: int | None  # delivered price minus the request's price (rupiah per unit)
    # "price", "distance", "quantity" (partly covered), "none" (no offer of this kind and time)
    blocked_by: str


@dataclass(frozen=True)
class Reach:
    gaps: tuple[Gap, ...]  # unmet requests only, most unmet first
    idle: dict[int, int]  # offer listing id -> quantity no open request can take


def haversine_km(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def reach(requests: list[Open], offers: list[Open], transport: dict[int, float]) -> Reach:
    """Check every open request against every open offer of its commodity.

    ``transport``: rupiah per unit per km, by commodity id.
    """
    gaps: list[Gap] = []
    idle: dict[int, int] = {}
    commodities = sorted({x.commodity_id for x in requests} | {x.commodity_id for x in offers})
    for cid in commodities:
        reqs = sorted((r for r in requests if r.commodity_id == cid), key=lambda r: r.listing_id)
        offs = sorted((o for o in offers if o.commodity_id == cid), key=lambda o: o.listing_id)
        g, i = _one_commodity(reqs, offs, transport.get(cid, 0.0))
        gaps.extend(g)
        idle.update(i)
    gaps.sort(key=lambda g: (-g.unmet, g.request_id))
    return Reach(tuple(gaps), dict(sorted(idle.items())))


def _arrays(rows: list[Open]) -> dict[str, np.ndarray]:
    return {
        "id": np.array([r.listing_id for r in rows], dtype=np.int64),
        "owner": np.array([r.pesantren_id for r in rows], dtype=np.int64),
        "grade": np.array([r.grade for r in rows], dtype=np.int64),
        "remaining": np.array([r.remaining for r in rows], dtype=np.int64),
        "price": np.array([r.price for r in rows], dtype=np.float64),
        "start": np.array([r.start for r in rows], dtype=np.int64),
        "end": np.array([r.end for r in rows], dtype=np.int64),
        "lat": np.array([r.lat for r in rows], dtype=np.float64),
        "lon": np.array([r.lon for r in rows], dtype=np.float64),
        "maxd": np.array(
            [np.inf if r.max_distance_km is None else r.max_distance_km for r in rows],
            dtype=np.float64,
        ),
    }


def _one_commodity(reqs, offs, per_km: float):
    if not offs:
        gaps = [Gap(r.listing_id, r.remaining, None, None, None, None, "none") for r in reqs]
        return [g for g in gaps if g.unmet > 0], {}
    if not reqs:
        return [], {o.listing_id: o.remaining for o in offs if o.remaining > 0}
    R, OF = _arrays(reqs), _arrays(offs)
    offer_taken = np.zeros(len(offs), dtype=np.int64)  # requested quantity each offer could serve
    gaps = []
    for lo in range(0, len(reqs), CHUNK):
        s = slice(lo, lo + CHUNK)
        dist = haversine_km(
            R["lat"][s, None], R["lon"][s, None], OF["lat"][None, :], OF["lon"][None, :]
        )
        kind = (
            (R["owner"][s, None] != OF["owner"][None, :])
            & (OF["grade"][None, :] >= R["grade"][s, None])
            & (OF["start"][None, :] <= R["end"][s, None])
            & (R["start"][s, None] <= OF["end"][None, :])
        )
        near = kind & (dist <= R["maxd"][s, None])
        delivered = OF["price"][None, :] + per_km * dist
        fits = near & (delivered <= R["price"][s, None])
        covered = (fits * OF["remaining"][None, :]).sum(axis=1)
        unmet = np.maximum(R["remaining"][s] - covered, 0)
        offer_taken += (fits * R["remaining"][s, None]).sum(axis=0)
        for row in np.nonzero(unmet > 0)[0]:
            rows = (kind[row], near[row], fits[row], dist[row], delivered[row])
            gaps.append(_gap(R, OF, lo + row, int(unmet[row]), *rows))
    idle_q = np.maximum(OF["remaining"] - offer_taken, 0)
    idle = {int(OF["id"][j]): int(idle_q[j]) for j in np.nonzero(idle_q > 0)[0]}
    return gaps, idle


def _gap(R, OF, i, unmet, kind, near, fits, dist, delivered) -> Gap:
    """The cheapest delivered offer within reach (blocked by price), else the nearest one.

    A request partly covered by compatible offers is blocked by "quantity"; the offer shown is
    then the cheapest one within reach that is too dear, if any.
    """
    request_id = int(R["id"][i])
    if fits.any():
        dear = near & ~fits
        if not dear.any():
            return Gap(request_id, unmet, None, None, None, None, "quantity")
        j = int(np.argmin(np.where(dear, delivered, np.inf)))
        blocked = "quantity"
    elif near.any():
        cost = np.where(near, delivered, np.inf)
        j = int(np.argmin(cost))  # argmin takes the first minimum: offers are sorted by id
        blocked = "price"
    elif kind.any():
        j = int(np.argmin(np.where(kind, dist, np.inf)))
        blocked = "distance"
    else:
        return Gap(request_id, unmet, None, None, None, None, "none")
    price = int(round(float(delivered[j])))
    return Gap(
        request_id=request_id,
        unmet=unmet,
        offer_id=int(OF["id"][j]),
        distance_km=round(float(dist[j]), 1),
        delivered_price=price,
        price_gap=price - int(R["price"][i]),
        blocked_by=blocked,
    )
