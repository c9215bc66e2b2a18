"""Small array helpers. Sort-based on purpose: numpy 2.x's hash-based `np.unique` is many times
slower on the tens of millions of int64 keys seen at 50k listings."""

from __future__ import annotations

import numpy as np


def unique_sorted(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values of a 1-D integer array."""
    if x.size == 0:
        return x.copy()
    s = np.sort(x)
    keep = np.empty(s.size, dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


def unique_inverse(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct values, index of each element of `x` among them)."""
    u = unique_sorted(x)
    return u, np.searchsorted(u, x).astype(np.int64)
