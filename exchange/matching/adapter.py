"""Plain rows (as loaded from the database) to an engine `Instance`, and the engine's answer back
to plain proposal rows. Pure: no Flask, no database, no clock.

Ids in the instance are the database ids written as strings; `int()` turns them back.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .candidates import Candidates
from .engine import allocate, deal_prices, welfare
from .model import Commodity, Instance, Listing, Pesantren


@dataclass(frozen=True)
class ProposalRow:
    """One proposed sale with the figures the app stores beside it."""

    offer_id: int
    request_id: int
    seller_pesantren_id: int
    buyer_pesantren_id: int
    commodity: str
    quantity: int
    price: int
    surplus_per_unit: float
    distance_km: float
    transport_cost_per_unit: float


def commodity(slug: str, unit: str, transport_cost_per_unit_km: float, grades: list) -> Commodity:
    return Commodity(slug, unit, float(transport_cost_per_unit_km), max(1, len(grades or ())))


def pesantren(pid: int, regency: str, lat: float, lon: float) -> Pesantren:
    return Pesantren(str(pid), regency, float(lat), float(lon))


def listing(row) -> Listing:
    """A listing from (id, side, pesantren_id, commodity slug, grade, remaining, price,
    window_start, window_end, max_distance_km); the quantity is what remains."""
    lid, side, pid, slug, grade, remaining, price, start, end, maxd = row
    return Listing(
        str(lid),
        side,
        str(pid),
        slug,
        int(grade),
        int(remaining),
        int(price),
        start,
        end,
        None if maxd is None or side == "offer" else float(maxd),
    )


def build_instance(
    road_factor: float,
    commodities: Iterable[Commodity],
    pesantren_rows: Iterable[Pesantren],
    listing_rows: Iterable,
) -> Instance:
    """An instance from plain rows, in a deterministic order (commodities by slug, pesantren and
    listings by id). Listings whose commodity or pesantren is missing are left out."""
    coms = tuple(sorted(commodities, key=lambda c: c.slug))
    pes = tuple(sorted(pesantren_rows, key=lambda p: int(p.id)))
    known_c = {c.slug for c in coms}
    known_p = {p.id for p in pes}
    ls = [listing(r) for r in listing_rows]
    ls = [l for l in ls if l.commodity in known_c and l.pesantren in known_p and l.quantity > 0]
    ls.sort(key=lambda l: int(l.id))
    return Instance(float(road_factor), coms, pes, tuple(ls))


def without_pairs(cand: Candidates, excluded: Iterable[tuple[str, str]]) -> Candidates:
    """The candidates minus the (offer id, request id) pairs in `excluded` (e.g. declined)."""
    excluded = list(excluded)
    if not excluded or len(cand) == 0:
        return cand
    o_pos = {l.id: i for i, l in enumerate(cand.offers)}
    r_pos = {l.id: j for j, l in enumerate(cand.requests)}
    n_r = np.int64(max(1, len(cand.requests)))
    keys = [o_pos[o] * int(n_r) + r_pos[r] for o, r in excluded if o in o_pos and r in r_pos]
    if not keys:
        return cand
    keep = ~np.isin(cand.offer_idx * n_r + cand.request_idx, np.asarray(keys, dtype=np.int64))
    return Candidates(
        cand.offers,
        cand.requests,
        *(
            getattr(cand, f)[keep]
            for f in (
                "offer_idx",
                "request_idx",
                "surplus",
                "distance",
                "transport",
                "offer_pes",
                "request_pes",
            )
        ),
    )


def proposals(cand: Candidates) -> tuple[list[ProposalRow], float]:
    """The engine's welfare-maximising allocation of `cand` as proposal rows (sorted by offer,
    then request) and the welfare. The same allocation and prices as `engine.solve`."""
    flow = allocate(cand)
    idx = np.flatnonzero(flow > 0)
    prices = deal_prices(cand, idx).tolist()
    rows = []
    for k, p in zip(idx.tolist(), prices, strict=True):
        o = cand.offers[int(cand.offer_idx[k])]
        r = cand.requests[int(cand.request_idx[k])]
        rows.append(
            ProposalRow(
                int(o.id),
                int(r.id),
                int(o.pesantren),
                int(r.pesantren),
                o.commodity,
                int(flow[k]),
                int(p),
                float(cand.surplus[k]),
                float(cand.distance[k]),
                float(cand.transport[k]),
            )
        )
    rows.sort(key=lambda x: (x.offer_id, x.request_id))
    return rows, welfare(cand, flow)


def fair_price(offer_price: int, request_price: int, surplus: float, transport: float) -> int:
    """The engine's price per unit for one pair (engine.deal_prices, for a single pair): the
    offer price plus half the surplus, rounded down, within [offer price, request price -
    transport]."""
    half = math.floor(surplus / 2)
    return max(offer_price, min(offer_price + half, math.floor(request_price - transport)))
