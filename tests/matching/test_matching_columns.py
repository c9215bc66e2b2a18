"""Column generation (exchange/matching/columns.py) against the flow over every compatible pair."""

from __future__ import annotations

import numpy as np
import pytest
from matching_helpers import listing

from exchange.matching.candidates import (
    ListingArrays,
    block_pairs,
    compatible_pairs,
    pesantren_rows,
)
from exchange.matching.columns import relaxed_pairs
from exchange.matching.engine import solve
from exchange.matching.flows import bounded_flow
from exchange.matching.model import AKAD_CODES, Commodity, Instance, Pesantren

COMMODITIES = (Commodity("garam", "kg", 2.0, 3), Commodity("kopi", "kg", 40.0, 2))


def random_market(seed: int, n: int = 240, n_pes: int = 25, moq: bool = False) -> Instance:
    """A market dense enough that each listing has many compatible pairs (tests may draw random
    numbers; the engine may not)."""
    rnd = np.random.default_rng(seed)
    pesantren = tuple(
        Pesantren(f"P{k}", "35", -7.0 - rnd.uniform(0, 1.2), 112.0 + rnd.uniform(0, 1.5))
        for k in range(n_pes)
    )
    ls = []
    for k in range(n):
        start = int(rnd.integers(0, 20))
        quantity = int(rnd.integers(1, 80))
        ls.append(
            listing(
                f"L{k:03d}",
                "offer" if rnd.random() < 0.5 else "request",
                pes=f"P{int(rnd.integers(0, n_pes))}",
                commodity=str(rnd.choice(["garam", "kopi"])),
                grade=int(rnd.integers(1, 3)),
                quantity=quantity,
                price=int(rnd.integers(10, 60)) * 100,
                window=(start, start + int(rnd.integers(0, 15))),
                max_distance_km=None if rnd.random() < 0.6 else float(rnd.integers(30, 300)),
                akad=tuple(a for a in AKAD_CODES if rnd.random() < 0.7) or ("tunai",),
                min_quantity=int(rnd.integers(1, quantity + 1))
                if moq and rnd.random() < 0.3
                else None,
            )
        )
    return Instance(1.3, COMMODITIES, pesantren, tuple(ls), 2 if moq else 1)


def commodity_arrays(ins: Instance):
    rows, lat, lon = pesantren_rows(ins)
    for c in ins.commodities:
        oa = ListingArrays.build([o for o in ins.offers if o.commodity == c.slug], rows, lat, lon)
        ra = ListingArrays.build([r for r in ins.requests if r.commodity == c.slug], rows, lat, lon)
        yield c, oa, ra


def full_optimum(oa, ra, c) -> int:
    """The relaxed flow's gain (hundredths of a rupiah) over every useful pair that can meet its
    minimum."""
    parts = list(block_pairs(oa, ra, c.transport_cost_per_unit_km, 1.3))
    a = np.concatenate([p[0] for p in parts])
    b = np.concatenate([p[1] for p in parts])
    g = np.rint(np.concatenate([p[2] for p in parts]) * 100).astype(np.int64)
    use = g > 0
    flow = bounded_flow(oa.quantity, ra.quantity, a[use], b[use], -g[use])
    return int(np.dot(flow, g[use]))


@pytest.mark.parametrize("moq", [False, True])
@pytest.mark.parametrize("seed", range(12))
def test_column_generation_reaches_the_full_pair_optimum(seed, moq):
    ins = random_market(seed, moq=moq)
    for c, oa, ra in commodity_arrays(ins):
        if not len(oa.listings) or not len(ra.listings):
            continue
        # One best pair per listing and small blocks: pricing has to bring in the rest.
        cp = relaxed_pairs(oa, ra, c.transport_cost_per_unit_km, 1.3, 25, k=1, block_cells=500)
        gain = np.rint(cp.surplus * 100).astype(np.int64)
        assert int(np.dot(cp.flow, gain)) == full_optimum(oa, ra, c)
        assert cp.a.size < cp.useful  # fewer pairs kept than exist
        assert cp.rounds > 1  # the first candidate set was not enough: pricing worked


def test_kept_pairs_are_compatible_with_the_right_figures():
    ins = random_market(3, moq=True)
    full = compatible_pairs(ins)
    by_key = {
        (int(i), int(j)): (s, d)
        for i, j, s, d in zip(
            full.offer_idx, full.request_idx, full.surplus, full.distance, strict=True
        )
    }
    offers = {o.id: k for k, o in enumerate(ins.offers)}
    requests = {r.id: k for k, r in enumerate(ins.requests)}
    for _, oa, ra in commodity_arrays(ins):
        if not len(oa.listings) or not len(ra.listings):
            continue
        cp = relaxed_pairs(oa, ra, 2.0 if oa.listings[0].commodity == "garam" else 40.0, 1.3, 25)
        for a, b, s, d in zip(cp.a, cp.b, cp.surplus, cp.distance, strict=True):
            key = (offers[oa.listings[a].id], requests[ra.listings[b].id])
            assert by_key[key] == (s, d)


@pytest.mark.slow
@pytest.mark.parametrize("moq", [False, True])
def test_solve_by_columns_matches_the_full_pair_solve(moq):
    """Same reciprocal pairs (from the edge set alone), same welfare in format 1."""
    for seed in range(6):
        ins = random_market(100 + seed, n=300, moq=moq)
        by_columns = solve(ins)
        full = solve(ins, compatible_pairs(ins))
        assert by_columns.reciprocal_pairs == full.reciprocal_pairs
        if not moq:
            assert by_columns.stats["welfare"] == pytest.approx(full.stats["welfare"], rel=1e-7)
        assert by_columns.stats["candidate_pairs"] <= full.stats["candidate_pairs"]


def test_the_app_budget_meets_every_minimum_and_is_deterministic():
    from exchange.matching.engine import allocate
    from exchange.matching.minimums import APP_BUDGET

    ins = random_market(21, n=400, moq=True)
    cand = compatible_pairs(ins)
    flow = allocate(cand, budget=APP_BUDGET)
    assert np.array_equal(flow, allocate(cand, budget=APP_BUDGET))
    for k in np.flatnonzero(flow):
        o, r = cand.offers[cand.offer_idx[k]], cand.requests[cand.request_idx[k]]
        assert flow[k] >= max(o.min_quantity or 1, r.min_quantity or 1)
    sold = np.bincount(cand.offer_idx, weights=flow, minlength=len(cand.offers))
    bought = np.bincount(cand.request_idx, weights=flow, minlength=len(cand.requests))
    assert (sold <= [o.quantity for o in cand.offers]).all()
    assert (bought <= [r.quantity for r in cand.requests]).all()


@pytest.mark.parametrize("seed", range(8))
def test_pricing_brings_in_each_listings_most_violated_pairs(seed):
    """`price`: the pairs outside the set whose gain beats pot_o - pot_r, each offer's and each
    request's ENTER_PER_ROUND largest violations (ties: stored order), also across chunks."""
    from exchange.matching.columns import ENTER_PER_ROUND, price

    rnd = np.random.default_rng(seed)
    n_o, n_r = 30, 40
    cells = np.array([(i, j) for i in range(n_o) for j in range(n_r) if rnd.random() < 0.6])
    a, b = cells[:, 0].astype(np.int32), cells[:, 1].astype(np.int32)
    g = rnd.integers(1, 50, a.size).astype(np.int32)  # small range: many ties
    inset = rnd.random(a.size) < 0.2
    pot_o, pot_r = -rnd.integers(0, 40, n_o), -rnd.integers(0, 40, n_r)
    red = g - (pot_o[a] - pot_r[b])
    expected = set()
    for key in (a, b):
        for v in np.unique(key):
            hit = [p for p in range(a.size) if key[p] == v and red[p] > 0 and not inset[p]]
            hit.sort(key=lambda p: (-red[p], p))
            expected.update(hit[:ENTER_PER_ROUND])
    for chunk in (7, 10_000):
        got = price(a, b, g, inset, pot_o, pot_r, chunk=chunk)
        assert got is not None
        assert sorted(got.tolist()) == sorted(expected)
    none = price(a, b, np.zeros_like(g), inset, np.zeros(n_o, np.int64), np.zeros(n_r, np.int64))
    assert none is None


@pytest.mark.parametrize("seed", range(6))
def test_top_k_selection_equals_the_sorting_one(seed):
    """`columns._top_k` (rounds of per-key maxima) and `_best` (by chunks) choose exactly the pairs
    of `minimums._best_pairs` (one sort), ties by position, sorted keys or not."""
    from exchange.matching.columns import _best, _top_k
    from exchange.matching.minimums import _best_pairs

    rnd = np.random.default_rng(seed)
    for _ in range(40):
        n, n_keys, k = int(rnd.integers(0, 400)), int(rnd.integers(1, 60)), int(rnd.integers(1, 12))
        key = rnd.integers(0, n_keys, n).astype(np.int32)
        if rnd.random() < 0.3:
            key.sort()
        gain = rnd.integers(0, int(rnd.integers(1, 20)), n).astype(np.int32)  # many ties
        expected = _best_pairs(key, gain, k)
        assert (_top_k(key, gain, k) == expected).all()
        assert (_best(key, gain, k, chunk=37) == expected).all()
