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
