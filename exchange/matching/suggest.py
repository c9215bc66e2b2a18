"""Instant suggestions: the best compatible counterparts for one listing (vectorised with numpy).

For an offer the counterparts are requests, for a request they are offers: a suggestion is always a
sale for money, never barter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .candidates import ListingArrays, block_pairs
from .explain import explanation
from .geo import radians
from .model import Commodity, Explanation, Listing, Pesantren


@dataclass(frozen=True)
class Suggestion:
    listing: Listing  # the counterpart
    explanation: Explanation


def suggest(
    listing: Listing,
    counterparts,
    pesantren_by_id: dict[str, Pesantren],
    commodity: Commodity,
    road_factor: float,
    limit: int = 10,
) -> list[Suggestion]:
    """Up to `limit` compatible counterparts of `listing`, best surplus per unit first (ties by
    counterpart id). Counterparts of the wrong side or another commodity are ignored."""
    other = "request" if listing.side == "offer" else "offer"
    pool = [
        l
        for l in counterparts
        if l.side == other
        and l.commodity == listing.commodity
        and l.commodity == commodity.slug
        and l.pesantren in pesantren_by_id
    ]
    if not pool or limit <= 0 or listing.pesantren not in pesantren_by_id:
        return []
    ids = sorted({listing.pesantren, *(l.pesantren for l in pool)})
    rows = {p: k for k, p in enumerate(ids)}
    lat = radians([pesantren_by_id[p].lat for p in ids])
    lon = radians([pesantren_by_id[p].lon for p in ids])
    one = ListingArrays.build([listing], rows, lat, lon)
    many = ListingArrays.build(pool, rows, lat, lon)
    if listing.side == "offer":
        found = list(
            block_pairs(one, many, float(commodity.transport_cost_per_unit_km), float(road_factor))
        )
        pick = 1  # the request position is the counterpart
    else:
        found = list(
            block_pairs(many, one, float(commodity.transport_cost_per_unit_km), float(road_factor))
        )
        pick = 0
    if not found:
        return []
    pos = np.concatenate([f[pick] for f in found])
    surplus = np.concatenate([f[2] for f in found])
    dist = np.concatenate([f[3] for f in found])
    transport = np.concatenate([f[4] for f in found])
    cid = np.array([pool[k].id for k in pos.tolist()], dtype=object)
    order = sorted(range(pos.size), key=lambda k: (-surplus[k], cid[k]))[:limit]
    out = []
    for k in order:
        c = pool[int(pos[k])]
        o, r = (listing, c) if listing.side == "offer" else (c, listing)
        out.append(Suggestion(c, explanation(o, r, dist[k], transport[k])))
    return out
