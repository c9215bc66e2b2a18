"""Which offer x request cells can matter at all, without touching the others.

Transport is paid per km, so a pair can only be compatible (or price in) when its price gap covers
the transport between the two places. The listings of one commodity are put in cells of a
lat/lon grid (`CELL_DEGREES`); for each pair of cells a *lower bound* of the road distance between
any of their places (centre-to-centre great circle minus both cells' radii: the great circle is a
metric) turns into a lower bound of the transport per unit. Each offer's candidates in a request
cell are then the requests of that cell whose `lhs` exceeds the offer's threshold plus that
transport bound: with the requests of a cell sorted by `lhs`, a prefix (a `searchsorted`).

This replaces the scan of every offer x request cell (quadratic in the market) by one over the
pairs whose price gap can pay for the distance, and keeps the pairs each offer meets in the order
the plain scan gave them (requests by position in `rank_r`), so the kept sets do not change.
Pure and deterministic.
"""

from __future__ import annotations

import numpy as np

from .geo import EARTH_RADIUS_KM, haversine_km

#: Side of a grid cell in degrees (about 55 km at the equator).
CELL_DEGREES = 0.5
#: Relative slack on the distance bound, for float rounding (the bound is only a filter).
SLACK = 1e-9


def cells(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Grid cell key of each place (radians in)."""
    step = np.radians(CELL_DEGREES)
    return np.floor(lat / step).astype(np.int64) * 100_000 + np.floor(lon / step).astype(np.int64)


def cell_geometry(key: np.ndarray, lat: np.ndarray, lon: np.ndarray):
    """(cell index of each place in 0..m-1, centre lat, centre lon, radius km) of the m cells."""
    uniq, idx = np.unique(key, return_inverse=True)
    m = uniq.size
    cnt = np.bincount(idx, minlength=m)
    clat = np.bincount(idx, weights=lat, minlength=m) / cnt
    clon = np.bincount(idx, weights=lon, minlength=m) / cnt
    rad = np.zeros(m)
    np.maximum.at(rad, idx, haversine_km(lat, lon, clat[idx], clon[idx]))
    return idx.astype(np.int64), clat, clon, rad


def min_road_km(o_lat, o_lon, r_lat, r_lon, road_factor: float):
    """(offer cell of each offer, request cell of each request, lower bound of the road km between
    any offer place of cell i and any request place of cell j as a matrix [i, j])."""
    lat = np.concatenate([o_lat, r_lat])
    lon = np.concatenate([o_lon, r_lon])
    idx, clat, clon, rad = cell_geometry(cells(lat, lon), lat, lon)
    n_o = o_lat.size
    oc, rc = idx[:n_o], idx[n_o:]
    uo, ur = np.unique(oc), np.unique(rc)
    centre = haversine_km(
        clat[uo][:, None], clon[uo][:, None], clat[ur][None, :], clon[ur][None, :]
    )
    gap = centre - rad[uo][:, None] - rad[ur][None, :]
    bound = np.maximum(0.0, gap * (1 - SLACK) - 1e-6 * EARTH_RADIUS_KM) * road_factor
    return np.searchsorted(uo, oc), np.searchsorted(ur, rc), bound


class Cells:
    """The cells of one commodity's offers and requests and the distance bound between them."""

    def __init__(self, o, r, road_factor: float):
        self.o_cell, self.r_cell, self.min_km = min_road_km(o.lat, o.lon, r.lat, r.lon, road_factor)
        self.n_r = r.lat.size

    def prefix_pairs(self, thr_o, lhs_r, per_km, rank_r, block_cells, cap_km=None):
        """Yield (a, b) blocks, whole offers per block, of every pair with
        `lhs_r[b] > thr_o[a] + per_km x min_km(cell a, cell b)` (and, with `cap_km`, the cells'
        bound within the request's limit `cap_km[b]`), each block sorted by (a, rank_r[b])."""
        order = np.lexsort((rank_r, -lhs_r, self.r_cell))
        r_cell = self.r_cell[order]
        n_rc = self.min_km.shape[1]
        starts = np.searchsorted(r_cell, np.arange(n_rc + 1))
        neg = -lhs_r[order]
        n_o = thr_o.size
        counts = np.zeros((n_o, n_rc), dtype=np.int64)
        for c in range(n_rc):
            s, e = starts[c], starts[c + 1]
            if s == e:
                continue
            t = thr_o + per_km * self.min_km[self.o_cell, c]
            counts[:, c] = np.searchsorted(neg[s:e], -t, side="left")
        if cap_km is not None:  # requests are sorted by lhs, not limit: only a whole-cell test
            far = self.min_km[self.o_cell] > _cell_max(cap_km[order], r_cell, n_rc)[None, :]
            counts[far] = 0
        per_o = counts.sum(axis=1)
        ends = np.cumsum(per_o)
        lo = 0
        while lo < n_o:
            base = int(ends[lo - 1]) if lo else 0
            hi = max(lo + 1, int(np.searchsorted(ends, base + block_cells, side="right")))
            hi = min(hi, n_o)
            c = counts[lo:hi].ravel()
            total = int(c.sum())
            rows = np.repeat(np.arange(lo, hi), n_rc)
            first = np.tile(starts[:-1], hi - lo)
            lo = hi
            if total == 0:
                continue
            a = np.repeat(rows, c)
            offs = np.arange(total) - np.repeat(np.cumsum(c) - c, c)
            b = order[np.repeat(first, c) + offs]
            o2 = np.argsort(a * np.int64(self.n_r + 1) + rank_r[b], kind="stable")
            yield a[o2], b[o2]


def _cell_max(cap: np.ndarray, cell: np.ndarray, m: int) -> np.ndarray:
    out = np.full(m, -np.inf)
    np.maximum.at(out, cell, cap)
    return out
