"""Reciprocal pairs: pesantren that could trade both ways.

An unordered pair {A, B} is reciprocal when A has an offer compatible with one of B's requests
AND B has an offer compatible with one of A's requests (FORMAT.md). It is computed from the
compatible pairs, not from the allocation: a pair counts even if the engine gives it no deal.
"""

from __future__ import annotations

import numpy as np

from .arrays import unique_sorted
from .candidates import Candidates
from .model import Instance


def reciprocal_rows(cand: Candidates, n_pesantren: int) -> np.ndarray:
    """Reciprocal pairs as pesantren rows (u < v), sorted, shape (k, 2). Vectorised: the edges
    u->v with u < v that also appear as v->u with v > u."""
    if len(cand) == 0:
        return np.empty((0, 2), dtype=np.int64)
    n = np.int64(n_pesantren)
    u, v = cand.offer_pes, cand.request_pes
    up = unique_sorted(u[u < v] * n + v[u < v])  # u -> v, keyed (low, high)
    down = unique_sorted(v[u > v] * n + u[u > v])  # u -> v with u > v, keyed (low, high)
    both = np.concatenate([up, down])
    both.sort()
    keys = both[1:][both[1:] == both[:-1]]  # present in both sets
    return np.stack([keys // n, keys % n], axis=1)


def reciprocal_rows_from_edges(keys: np.ndarray, n_pesantren: int) -> np.ndarray:
    """Reciprocal pairs as pesantren rows (u < v), sorted, from the sorted unique directed edge
    keys seller_row * n + buyer_row (no pairs needed: column generation keeps only the edges)."""
    n = np.int64(n_pesantren)
    u, v = keys // n, keys % n
    up = keys[u < v]  # already sorted, keyed (low, high)
    down = np.sort(v[u > v] * n + u[u > v])  # keyed (low, high)
    both = np.concatenate([up, down])
    both.sort(kind="stable")
    hit = both[1:][both[1:] == both[:-1]]
    return np.stack([hit // n, hit % n], axis=1)


def reciprocal_pairs(
    instance: Instance, cand: Candidates | None = None, rows: np.ndarray | None = None
) -> tuple[tuple[str, str], ...]:
    """Reciprocal pairs as sorted (id, id) tuples, the whole list sorted: from the compatible
    pairs `cand`, or from the reciprocal pesantren `rows` already found."""
    if rows is None:
        rows = reciprocal_rows(cand, len(instance.pesantren))
    ids = [p.id for p in instance.pesantren]
    return tuple(sorted(tuple(sorted((ids[u], ids[v]))) for u, v in rows.tolist()))


class EdgeBits:
    """The directed pesantren -> pesantren edges of compatible trade as an n x n bit matrix
    (n^2 / 8 bytes: 0.56 GB at 66,667 pesantren, instead of 8 bytes per edge in sorted keys,
    which took several GB at 200,000 listings). `add` takes keys seller_row * n + buyer_row."""

    TILE = 4096

    def __init__(self, n_pesantren: int):
        self.n = int(n_pesantren)
        self.width = (self.n + 7) // 8
        self.bits = np.zeros((self.n, self.width), dtype=np.uint8)

    def add(self, keys: np.ndarray) -> None:
        if keys.size == 0:
            return
        keys = unique_sorted(keys)
        n = np.int64(self.n)
        row, col = keys // n, keys % n
        byte = row * self.width + (col >> 3)
        start = np.r_[0, np.flatnonzero(byte[1:] != byte[:-1]) + 1]
        vals = np.bitwise_or.reduceat(np.left_shift(1, col & 7).astype(np.uint8), start)
        flat = self.bits.reshape(-1)
        flat[byte[start]] |= vals

    def _tile(self, r0, r1, c0, c1) -> np.ndarray:
        t = np.unpackbits(self.bits[r0:r1, c0 // 8 : (c1 + 7) // 8], axis=1, bitorder="little")
        return t[:, : c1 - c0].astype(bool)

    def reciprocal_rows(self) -> np.ndarray:
        """Reciprocal pairs as rows (u < v), sorted: u -> v and v -> u both present."""
        out, t, n = [], self.TILE, self.n
        for i0 in range(0, n, t):
            i1 = min(n, i0 + t)
            for j0 in range(i0, n, t):
                j1 = min(n, j0 + t)
                # Most tiles of a national market are empty (provinces far apart): skip them.
                b0, b1 = (
                    self.bits[i0:i1, j0 // 8 : (j1 + 7) // 8],
                    self.bits[j0:j1, i0 // 8 : (i1 + 7) // 8],
                )
                if not (b0.any() and b1.any()):
                    continue
                both = self._tile(i0, i1, j0, j1) & self._tile(j0, j1, i0, i1).T
                if j0 == i0:
                    both = np.triu(both, 1)
                u, v = np.nonzero(both)
                if u.size:
                    out.append((u + i0) * np.int64(n) + (v + j0))
        if not out:
            return np.empty((0, 2), dtype=np.int64)
        keys = np.sort(np.concatenate(out))
        return np.stack([keys // n, keys % n], axis=1)
