"""Pool suggestions (exchange/matching/pools.py) against a brute-force grouping: on small random
markets, for every offer with a minimum, the best pool found by trying every hub and every
subset of requests has the value of the suggested one, and the suggested one is a pool."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exchange.matching import pools
from exchange.matching.explain import explain
from exchange.matching.model import Commodity, Instance, Listing, Pesantren
from tests.depth import examples

D0 = date(2027, 3, 1)
AKAD = ("tunai", "tempo", "salam")
COM = Commodity("beras", "kg", 2.0, 3)


@st.composite
def markets(draw):
    n_pes = draw(st.integers(3, 7))
    pes = tuple(
        Pesantren(
            f"P{k}",
            "3515",
            -7.45 + draw(st.integers(-20, 20)) / 200,
            112.7 + draw(st.integers(-20, 20)) / 200,
        )
        for k in range(n_pes)
    )
    listings = []
    for k in range(draw(st.integers(1, 2))):
        start = D0 + timedelta(days=draw(st.integers(0, 4)))
        listings.append(
            Listing(
                str(k + 1),
                "offer",
                pes[0].id if k == 0 else pes[1].id,
                "beras",
                draw(st.integers(2, 3)),
                draw(st.integers(800, 4000)),
                draw(st.integers(9000, 10500)),
                start,
                start + timedelta(days=draw(st.integers(2, 8))),
                akad=tuple(draw(st.sets(st.sampled_from(AKAD), min_size=2))),
                min_quantity=draw(st.integers(500, 2500)),
            )
        )
    for k in range(draw(st.integers(3, 8))):
        start = D0 + timedelta(days=draw(st.integers(0, 6)))
        listings.append(
            Listing(
                str(10 + k),
                "request",
                draw(st.sampled_from(pes[2:])).id,
                "beras",
                draw(st.integers(1, 2)),
                draw(st.integers(100, 1500)),
                draw(st.integers(9800, 12000)),
                start,
                start + timedelta(days=draw(st.integers(1, 6))),
                max_distance_km=draw(st.sampled_from([None, 20.0, 60.0])),
                akad=tuple(draw(st.sets(st.sampled_from(AKAD), min_size=1))),
            )
        )
    return Instance(1.3, (COM,), pes, tuple(listings), format_version=2)


def _fails_only_on_minimum(inst, o, r) -> bool:
    by = {p.id: p for p in inst.pesantren}
    loose = explain(
        replace(o, min_quantity=None),
        replace(r, min_quantity=None),
        by[o.pesantren],
        by[r.pesantren],
        COM,
        inst.road_factor,
    )
    return loose.compatible and r.quantity < o.min_quantity


def _is_pool(inst, o, hub_id, members, max_km=pools.DEFAULT_POOL_KM) -> bool:
    at = pools.places(inst)
    by = {l.id: l for l in inst.listings}
    group = [by[r] for r in members]
    hub = at[hub_id]
    if hub_id not in members or sum(r.quantity for r in group) < o.min_quantity:
        return False
    for r in group:
        if not _fails_only_on_minimum(inst, o, r):
            return False
        if pools._km(hub, at[r.id], inst.road_factor) > max_km:
            return False
        if not pools.fits_at_hub(o, r, at[o.id], hub, COM.transport_cost_per_unit_km, 1.3):
            return False
    first = max([o.window_start] + [r.window_start for r in group])
    last = min([o.window_end] + [r.window_end for r in group])
    shared = set(o.akad).intersection(*(set(r.akad) for r in group))
    return first <= last and bool(shared)


def _brute_best(inst, o) -> int | None:
    requests = [r for r in inst.requests if _fails_only_on_minimum(inst, o, r)]
    best = None
    for size in range(1, len(requests) + 1):
        for group in combinations(requests, size):
            ids = tuple(r.id for r in group)
            for hub in ids:
                if _is_pool(inst, o, hub, ids):
                    value = min(sum(r.quantity for r in group), o.quantity)
                    best = value if best is None else max(best, value)
    return best


@pytest.mark.deep
@settings(max_examples=examples(40, 400), deadline=None)
@given(markets())
def test_suggestions_are_the_best_pools_brute_force_finds(inst):
    found = {s.offer: s for s in pools.suggest(inst)}
    for o in inst.offers:
        best = _brute_best(inst, o)
        s = found.get(o.id)
        assert (s.value if s else None) == best
        if s is not None:
            assert _is_pool(inst, o, s.hub, s.requests)
            assert o.window_start <= s.day <= o.window_end and s.akad in o.akad


def test_three_kitchens_below_a_minimum_are_suggested_one_pool():
    pes = tuple(Pesantren(f"P{k}", "3515", -7.45 + k / 100, 112.72) for k in range(4))
    offer = Listing(
        "1",
        "offer",
        "P0",
        "beras",
        2,
        3000,
        11000,
        D0,
        D0 + timedelta(days=9),
        akad=("tunai",),
        min_quantity=2500,
    )
    kitchens = tuple(
        Listing(
            str(10 + k),
            "request",
            f"P{k + 1}",
            "beras",
            2,
            1000,
            13000,
            D0,
            D0 + timedelta(days=9),
            akad=("tunai", "tempo"),
        )
        for k in range(3)
    )
    inst = Instance(1.3, (COM,), pes, (offer, *kitchens), format_version=2)
    (s,) = pools.suggest(inst)
    assert (s.offer, s.requests, s.quantity, s.akad) == ("1", ("10", "11", "12"), 3000, "tunai")
    pooled = pools.pooled_instance(inst, [s])
    assert [l.quantity for l in pooled.requests] == [3000]
