"""Which candidate trips to run: a set-partitioning MIP over exactly priced groups of units.

Pure. OR-tools' routing (``planner.solve_day``) finds good trips on a busy day but is a local
search; small groups can be priced exactly (``routes.best_route``). Every unit of a day is
covered once, either alone (its stand-alone cost) or by one chosen candidate, at the least total
cost (HiGHS via ``scipy.optimize.milp``: exact, deterministic). With every group of up to
``routes.EXACT_MAX_DEALS`` deals among the candidates (a quiet day) the choice is the optimum
over all groupings, which the tests check against brute force.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

# A day with at most this many units has every small group priced (exact); a busier day has
# every pair, the triples grown from pairs that save, and OR-tools' trips.
ALL_SUBSETS_UNITS = 5
MAX_TRIPLES_PER_UNIT = 10


def subsets(unit_sizes: list[int], max_deals: int, saving_pairs=None, near_pairs=None):
    """Candidate groups (sorted tuples of unit numbers, two units or more): on a quiet day all
    of them; on a busy one ``near_pairs`` (or every pair), or with ``saving_pairs`` the triples
    grown from them (at most ``MAX_TRIPLES_PER_UNIT`` per unit of the day)."""
    m = len(unit_sizes)
    if m <= ALL_SUBSETS_UNITS:
        for size in range(2, m + 1):
            for ks in combinations(range(m), size):
                if sum(unit_sizes[k] for k in ks) <= max_deals:
                    yield ks
        return
    if saving_pairs is None:
        yield from near_pairs if near_pairs is not None else combinations(range(m), 2)
        return
    near: dict[int, set[int]] = {}
    for a, b in saving_pairs:
        near.setdefault(a, set()).add(b)
        near.setdefault(b, set()).add(a)
    triples = set()
    for a, b in sorted(saving_pairs):
        for c in sorted(near.get(a, set()) | near.get(b, set())):
            if c not in (a, b) and sum(unit_sizes[k] for k in (a, b, c)) <= max_deals:
                triples.add(tuple(sorted((a, b, c))))
                if len(triples) >= MAX_TRIPLES_PER_UNIT * m:
                    break
    yield from sorted(triples)


def choose(alone: list[int], candidates: dict[tuple[int, ...], int]) -> list[tuple[int, ...]]:
    """The candidate groups to run (each unit at most once), at the least total cost where a
    unit not in a chosen group costs ``alone[k]``. Only groups that save are worth giving."""
    groups = sorted(g for g, cost in candidates.items() if cost < sum(alone[k] for k in g))
    if not groups:
        return []
    m = len(alone)
    # x_g = 1: run group g. Cost of the plan = sum(alone) + sum_g (cost_g - alone of g) x_g.
    gain = np.array([candidates[g] - sum(alone[k] for k in g) for g in groups], dtype=float)
    rows = [k for g in groups for k in g]
    cols = [j for j, g in enumerate(groups) for _k in g]
    a = csr_array((np.ones(len(rows)), (rows, cols)), shape=(m, len(groups)))
    result = milp(
        gain,
        constraints=LinearConstraint(a, 0, 1),
        integrality=np.ones(len(groups)),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0, "presolve": True},
    )
    if result.x is None:
        return []
    return [g for j, g in enumerate(groups) if result.x[j] > 0.5]
