"""All compatible (offer, request) pairs of an instance, vectorised per commodity.

An offer and a request are compatible (FORMAT.md) when: same commodity; different pesantren;
offer grade >= request grade; the windows overlap (inclusive); their accepted akad share one
(format 2); distance between the two listings' places (a listing without a place of its own is at
its pesantren) <= the request's max_distance_km where given; the surplus per unit, request price -
offer price - transport cost per unit, is not negative; and (format 2, `moq=True`) the pair can
meet its minimum: min(offer quantity, request quantity) >= the larger min_quantity of the two.
FORMAT.md's reciprocal pairs use the pairs without that last test (`moq=False`). The same rule,
one pair at a time and with its reasons, is `explain.explain()`. Only offers (sales for money)
meet requests (purchases for money): no barter is ever formed here.

The arithmetic (float64, same formulas, same order of operations) is that of the judge, so both
agree on which pairs are compatible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .geo import EARTH_RADIUS_KM, radians, road_distance_km
from .model import AKAD_CODES, Instance, Listing

AKAD_BIT = {a: 1 << k for k, a in enumerate(AKAD_CODES)}


def akad_mask(akad) -> int:
    """Bit set of accepted akad (bit k: AKAD_CODES[k], the judge's order)."""
    return sum(AKAD_BIT[a] for a in set(akad))


def least_quantity(offer: Listing, request: Listing) -> int:
    """The least quantity of one deal between the two listings: the larger min_quantity (1 when
    neither has one)."""
    return max(offer.min_quantity or 1, request.min_quantity or 1)


#: The per-pair arrays of `Candidates`, in field order.
PAIR_COLUMNS = (
    "offer_idx",
    "request_idx",
    "surplus",
    "distance",
    "transport",
    "offer_pes",
    "request_pes",
)

#: Most offer x request cells evaluated at once; bounds memory (about 10 float64 temporaries each).
DEFAULT_BLOCK_CELLS = 2_000_000


@dataclass(frozen=True)
class ListingArrays:
    """Column arrays of one side's listings (in the given order) for vectorised tests."""

    listings: tuple[Listing, ...]
    pes: np.ndarray  # row of the pesantren in the instance, int64
    lat: np.ndarray  # radians
    lon: np.ndarray
    grade: np.ndarray  # int64
    price: np.ndarray  # float64
    start: np.ndarray  # date ordinal, int64
    end: np.ndarray
    maxd: np.ndarray  # float64, inf when not given
    akad: np.ndarray  # int64 bit set (akad_mask)
    quantity: np.ndarray  # int64
    moq: np.ndarray  # int64, min_quantity (1 when not given)

    @classmethod
    def build(
        cls, listings, pes_row: dict, lat_rad: np.ndarray, lon_rad: np.ndarray
    ) -> ListingArrays:
        """Columns of `listings`; places are the listing's own, else its pesantren's (row
        `pes_row[id]` of `lat_rad`/`lon_rad`)."""
        listings = tuple(listings)
        n = len(listings)
        pes = np.fromiter((pes_row[l.pesantren] for l in listings), dtype=np.int64, count=n)
        lat, lon = lat_rad[pes], lon_rad[pes]
        own = [k for k, l in enumerate(listings) if l.lat is not None and l.lon is not None]
        if own:
            lat[own] = radians([listings[k].lat for k in own])
            lon[own] = radians([listings[k].lon for k in own])
        return cls(
            listings=listings,
            pes=pes,
            lat=lat,
            lon=lon,
            grade=np.fromiter((l.grade for l in listings), dtype=np.int64, count=len(listings)),
            price=np.fromiter((l.price for l in listings), dtype=np.float64, count=len(listings)),
            start=np.fromiter(
                (l.window_start.toordinal() for l in listings), dtype=np.int64, count=len(listings)
            ),
            end=np.fromiter(
                (l.window_end.toordinal() for l in listings), dtype=np.int64, count=len(listings)
            ),
            maxd=np.fromiter(
                (
                    np.inf if l.max_distance_km is None else float(l.max_distance_km)
                    for l in listings
                ),
                dtype=np.float64,
                count=len(listings),
            ),
            akad=np.fromiter((akad_mask(l.akad) for l in listings), dtype=np.int64, count=n),
            quantity=np.fromiter((l.quantity for l in listings), dtype=np.int64, count=n),
            moq=np.fromiter((l.min_quantity or 1 for l in listings), dtype=np.int64, count=n),
        )


@dataclass(frozen=True)
class Candidates:
    """Compatible pairs as parallel arrays; indices point into `offers` and `requests`."""

    offers: tuple[Listing, ...]
    requests: tuple[Listing, ...]
    offer_idx: np.ndarray  # int64
    request_idx: np.ndarray  # int64
    surplus: np.ndarray  # float64, surplus per unit (>= 0)
    distance: np.ndarray  # float64, road km
    transport: np.ndarray  # float64, transport cost per unit
    offer_pes: np.ndarray  # int64, pesantren row of the offer
    request_pes: np.ndarray  # int64, pesantren row of the request

    def __len__(self) -> int:
        return int(self.offer_idx.shape[0])


#: Side of the grid cells (degrees) that group offers for the distance bound (`reachable`).
GRID_DEGREES = 1.0
#: The bound is used only when it leaves at most this share of the offer x request cells: on a
#: one-province market nearly every cell passes and dense blocks of whole rows are cheaper.
PRUNE_SHARE = 0.5
#: Lower bounds are shrunk by this relative and absolute (km) margin, far above float64 rounding,
#: so that no pair the exact test would keep is ever left out.
BOUND_REL, BOUND_ABS_KM = 1e-7, 1e-6


def distance_lower_bound_km(lat0, lat1, lon0, lon1, lat, lon, road_factor: float) -> np.ndarray:
    """A lower bound of the road distance (haversine x `road_factor`, km) between any point of
    the box [lat0, lat1] x [lon0, lon1] and each point (lat, lon), all in radians (points and
    box within one half of the globe in longitude). From the haversine formula: hav(d/R) =
    hav(dlat) + cos(lat_a) cos(lat_b) hav(dlon), each term at least its value at the smallest
    latitude and longitude gaps and the box's smaller cosine; shrunk by a safety margin."""
    dlat = np.maximum(0.0, np.maximum(lat0 - lat, lat - lat1))
    dlon = np.maximum(0.0, np.maximum(lon0 - lon, lon - lon1))
    c = min(np.cos(lat0), np.cos(lat1)) * np.cos(lat)
    h = np.sin(dlat / 2) ** 2 + np.maximum(c, 0.0) * np.sin(dlon / 2) ** 2
    d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(1.0, h))) * road_factor
    return np.maximum(0.0, d * (1 - BOUND_REL) - BOUND_ABS_KM)


def reachable(
    o: ListingArrays,
    r: ListingArrays,
    cost_per_km: float,
    road_factor: float,
    grid_degrees: float = GRID_DEGREES,
    share: float = PRUNE_SHARE,
):
    """Blocks (offer positions, request positions) that hold every compatible pair of one
    commodity, or None when the bound would leave more than `share` of the cells (then dense
    blocks are cheaper). Offers are grouped by grid cell; a request joins a cell's block unless
    the distance lower bound from the cell's box to it exceeds its limit, or its price cannot pay
    the cheapest offer of the cell plus transport over that bound (surplus < 0 for every offer
    there). Positions ascend within a block; blocks in cell order."""
    n_o, n_r = len(o.listings), len(r.listings)
    if n_o == 0 or n_r == 0:
        return None
    lon_all = np.concatenate([o.lon, r.lon])
    if float(lon_all.max() - lon_all.min()) >= np.pi:  # the bound assumes no wrap-around
        return None
    g = np.radians(grid_degrees)
    cell = np.floor(o.lat / g).astype(np.int64) * 1_000_003 + np.floor(o.lon / g).astype(np.int64)
    order = np.argsort(cell, kind="stable")
    bounds = np.flatnonzero(np.diff(cell[order])) + 1
    blocks, cells = [], 0
    for pos in np.split(order, bounds):
        lat, lon = o.lat[pos], o.lon[pos]
        d = distance_lower_bound_km(
            lat.min(), lat.max(), lon.min(), lon.max(), r.lat, r.lon, road_factor
        )
        ok = (d <= r.maxd) & (r.price - float(o.price[pos].min()) - cost_per_km * d >= 0)
        cols = np.flatnonzero(ok)
        if cols.size:
            blocks.append((pos, cols))
            cells += pos.size * cols.size
    if cells > share * n_o * n_r:
        return None
    return blocks


def _block(o, r, oi, rj, cost_per_km, road_factor, moq):
    """(positions into oi, positions into rj, surplus, distance, transport) of the compatible
    pairs of offers `oi` x requests `rj` (position arrays, or slices for whole rows)."""
    # Cheap integer tests first; distance and surplus only where they pass.
    ok = (
        (o.pes[oi, None] != r.pes[None, rj])
        & (o.grade[oi, None] >= r.grade[None, rj])
        & (o.start[oi, None] <= r.end[None, rj])
        & (r.start[None, rj] <= o.end[oi, None])
        & ((o.akad[oi, None] & r.akad[None, rj]) != 0)
    )
    if moq:
        ok &= np.minimum(o.quantity[oi, None], r.quantity[None, rj]) >= np.maximum(
            o.moq[oi, None], r.moq[None, rj]
        )
    a, b = np.nonzero(ok)
    if a.size == 0:
        return None
    ga = a + oi.start if isinstance(oi, slice) else oi[a]
    gb = b if isinstance(rj, slice) else rj[b]
    d = road_distance_km(o.lat[ga], o.lon[ga], r.lat[gb], r.lon[gb], road_factor)
    transport = cost_per_km * d
    surplus = r.price[gb] - o.price[ga] - transport
    keep = (d <= r.maxd[gb]) & (surplus >= 0)
    return ga[keep], gb[keep], surplus[keep], d[keep], transport[keep]


def block_pairs(
    o: ListingArrays,
    r: ListingArrays,
    cost_per_km: float,
    road_factor: float,
    block_cells: int = DEFAULT_BLOCK_CELLS,
    moq: bool = True,
    prune: bool = False,
):
    """Yield (offer positions, request positions, surplus, distance, transport) arrays for the
    compatible pairs between offers `o` and requests `r` of one commodity, block by block, in
    (offer, request) order. `moq=False` keeps the pairs that cannot meet their minimum quantity
    (FORMAT.md's compatibility, for reciprocal pairs). `prune=True`: only the blocks of
    `reachable` when it prunes (the same pairs, grouped by the offers' grid cells: callers that
    need (offer, request) order sort them)."""
    n_o, n_r = len(o.listings), len(r.listings)
    if n_o == 0 or n_r == 0:
        return
    blocks = reachable(o, r, cost_per_km, road_factor) if prune else None
    if blocks is None:
        rows = max(1, block_cells // n_r)
        for lo in range(0, n_o, rows):
            out = _block(
                o, r, slice(lo, min(n_o, lo + rows)), slice(0, n_r), cost_per_km, road_factor, moq
            )
            if out is not None:
                yield out
        return
    for pos, cols in blocks:
        rows = max(1, block_cells // cols.size)
        for lo in range(0, pos.size, rows):
            out = _block(o, r, pos[lo : lo + rows], cols, cost_per_km, road_factor, moq)
            if out is not None:
                yield out


def pesantren_rows(instance: Instance) -> tuple[dict, np.ndarray, np.ndarray]:
    rows = {p.id: i for i, p in enumerate(instance.pesantren)}
    lat = radians([p.lat for p in instance.pesantren])
    lon = radians([p.lon for p in instance.pesantren])
    return rows, lat, lon


def compatible_pairs(
    instance: Instance, block_cells: int = DEFAULT_BLOCK_CELLS, moq: bool = True
) -> Candidates:
    """Every compatible (offer, request) pair of the instance, in a deterministic order
    (commodities in instance order, then offers and requests in listing order). `moq=False`:
    also the pairs that can never meet their minimum quantity (see `block_pairs`)."""
    rows, lat, lon = pesantren_rows(instance)
    offers = instance.offers
    requests = instance.requests
    o_by_c: dict[str, list[int]] = {}
    r_by_c: dict[str, list[int]] = {}
    for i, l in enumerate(offers):
        o_by_c.setdefault(l.commodity, []).append(i)
    for j, l in enumerate(requests):
        r_by_c.setdefault(l.commodity, []).append(j)
    parts = []
    for c in instance.commodities:
        oi = np.asarray(o_by_c.get(c.slug, []), dtype=np.int64)
        rj = np.asarray(r_by_c.get(c.slug, []), dtype=np.int64)
        if oi.size == 0 or rj.size == 0:
            continue
        oa = ListingArrays.build((offers[i] for i in oi), rows, lat, lon)
        ra = ListingArrays.build((requests[j] for j in rj), rows, lat, lon)
        for a, b, s, d, t in block_pairs(
            oa,
            ra,
            float(c.transport_cost_per_unit_km),
            float(instance.road_factor),
            block_cells,
            moq,
        ):
            parts.append((oi[a], rj[b], s, d, t, oa.pes[a], ra.pes[b]))
    if parts:
        cols = [np.concatenate([p[k] for p in parts]) for k in range(7)]
    else:
        cols = (
            [np.empty(0, np.int64), np.empty(0, np.int64)]
            + [np.empty(0)] * 3
            + [np.empty(0, np.int64)] * 2
        )
    return Candidates(offers, requests, *cols)
