"""The national market (issue 28): the generator's `--national` markets and the first pass's
distance bound (`candidates.reachable`), which must leave out no compatible pair."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from matching_helpers import GARAM, listing
from test_matching_columns import commodity_arrays, random_market

from exchange.matching import candidates
from exchange.matching.candidates import (
    block_pairs,
    distance_lower_bound_km,
    reachable,
)
from exchange.matching.engine import solve_by_columns
from exchange.matching.geo import road_distance_km
from exchange.matching.model import Instance, Pesantren

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / ".." / "shared" / "matching" / "samples" / "jatim-1k.json"
sys.path.insert(0, str(ROOT))

from benchmarks import matching_market  # noqa: E402


@pytest.mark.parametrize("seed", range(5))
def test_the_distance_bound_never_exceeds_a_distance_from_the_box(seed):
    rnd = np.random.default_rng(seed)
    lat0, lon0 = np.radians(rnd.uniform(-60, 50)), np.radians(rnd.uniform(-170, 100))
    lat1, lon1 = lat0 + np.radians(rnd.uniform(0, 5)), lon0 + np.radians(rnd.uniform(0, 5))
    lat = np.radians(rnd.uniform(-70, 70, 400))
    lon = np.radians(rnd.uniform(-175, 175, 400))
    lon = np.clip(lon, lon0 - np.pi / 2, lon1 + np.pi / 2)  # one half of the globe
    bound = distance_lower_bound_km(lat0, lat1, lon0, lon1, lat, lon, 1.3)
    inside_lat = rnd.uniform(lat0, lat1, 200)
    inside_lon = rnd.uniform(lon0, lon1, 200)
    d = road_distance_km(inside_lat[:, None], inside_lon[:, None], lat[None], lon[None], 1.3)
    assert (bound[None, :] <= d).all()
    assert (bound > 100).mean() > 0.5  # and it is not trivially zero


def test_the_bound_is_zero_inside_the_box_and_grows_with_the_gap():
    lat0, lat1, lon0, lon1 = np.radians([-8.0, -7.0, 112.0, 113.0])
    pts_lat = np.radians([-7.5, -7.5, -7.5, -2.0])
    pts_lon = np.radians([112.5, 114.0, 118.0, 112.5])
    b = distance_lower_bound_km(lat0, lat1, lon0, lon1, pts_lat, pts_lon, 1.0)
    assert b[0] == 0.0
    assert 0 < b[1] < b[2]
    assert b[3] == pytest.approx(5 * 111.195, rel=1e-3)  # five degrees of latitude


def two_provinces(seed: int, n: int = 300) -> Instance:
    """A random market split over two places 15 degrees of longitude apart: the price gaps pay
    for at most ~1,900 km (kopi, 40 rupiah/km) and half the requests have a limit."""
    ins = random_market(seed, n=n)
    far = tuple(
        Pesantren(p.id, p.regency, p.lat, p.lon + (15.0 if k % 2 else 0.0))
        for k, p in enumerate(ins.pesantren)
    )
    return Instance(ins.road_factor, ins.commodities, far, ins.listings, ins.format_version)


def pairs(oa, ra, c, prune):
    parts = list(
        block_pairs(oa, ra, c.transport_cost_per_unit_km, 1.3, 700, moq=False, prune=prune)
    )
    return {
        (int(a), int(b)): (float(s), float(d))
        for p in parts
        for a, b, s, d in zip(p[0], p[1], p[2], p[3], strict=True)
    }


@pytest.mark.parametrize("seed", range(6))
def test_pruned_blocks_hold_every_compatible_pair_with_the_same_figures(seed, monkeypatch):
    monkeypatch.setattr(candidates, "PRUNE_SHARE", 1.0)  # use the bound whatever it leaves
    ins = two_provinces(seed)
    left_out = 0
    for c, oa, ra in commodity_arrays(ins):
        if not len(oa.listings) or not len(ra.listings):
            continue
        blocks = reachable(oa, ra, c.transport_cost_per_unit_km, 1.3)
        assert blocks is not None
        left_out += len(oa.listings) * len(ra.listings) - sum(p.size * q.size for p, q in blocks)
        assert pairs(oa, ra, c, prune=True) == pairs(oa, ra, c, prune=False)
    assert left_out > 0  # the bound did prune


def test_the_bound_stands_aside_when_it_would_keep_most_cells():
    ins = random_market(1)  # one province: nearly every cell can trade
    for c, oa, ra in commodity_arrays(ins):
        assert reachable(oa, ra, c.transport_cost_per_unit_km, 1.3, share=0.0) is None


@pytest.mark.parametrize("moq", [False, True])
def test_the_engine_gives_the_same_result_with_and_without_pruning(moq, monkeypatch):
    monkeypatch.setattr(candidates, "PRUNE_SHARE", 1.0)
    for seed in range(3):
        ins = two_provinces(200 + seed)
        if moq:
            ins = random_market(300 + seed, moq=True)
            far = tuple(
                Pesantren(p.id, p.regency, p.lat + (10.0 if k % 3 == 0 else 0.0), p.lon)
                for k, p in enumerate(ins.pesantren)
            )
            ins = Instance(ins.road_factor, ins.commodities, far, ins.listings, 2)
        pruned = solve_by_columns(ins)
        full = solve_by_columns(ins, prune=False)
        assert pruned.deals == full.deals
        assert pruned.reciprocal_pairs == full.reciprocal_pairs
        assert pruned.stats == full.stats


def test_a_listing_far_beyond_every_price_gap_has_no_pair():
    near = listing("O1", "offer", pes="P1", price=1000)
    far = listing("R1", "request", pes="P2", price=1100)  # 144.55 km by road: 289 rupiah
    ins = Instance(1.3, (GARAM,), PES2, (near, far), 1)
    (c, oa, ra), *_ = commodity_arrays(ins)
    assert reachable(oa, ra, c.transport_cost_per_unit_km, 1.3, share=1.0) == []


PES2 = (Pesantren("P1", "3529", 0.0, 0.0), Pesantren("P2", "3529", 0.0, 1.0))


@pytest.mark.skipif(not SAMPLE.exists(), reason="shared samples not found")
def test_the_national_generator_is_deterministic_and_spreads_over_provinces(monkeypatch):
    monkeypatch.setattr(matching_market, "PESANTREN_PER_PROVINCE", 50)
    one = matching_market.generate(900, 1, seed=7, source=SAMPLE, national=True)
    assert one == matching_market.generate(900, 1, seed=7, source=SAMPLE, national=True)
    java = matching_market.generate(900, 1, seed=7, source=SAMPLE)
    assert one["listings"] == java["listings"]  # the same draws, only the places move
    shifts = matching_market.province_offsets()
    for k, (p, q) in enumerate(zip(one["pesantren"], java["pesantren"], strict=True)):
        dlat, dlon = shifts[k // 50]
        assert p["lat"] == pytest.approx(q["lat"] + dlat, abs=2e-5)
        assert p["lon"] == pytest.approx(q["lon"] + dlon, abs=2e-5)
        assert -90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180
    assert len({(round(a), round(b)) for a, b in shifts}) == len(shifts) == 32
    assert shifts[0] == (0.0, 0.0)  # East Java itself first
