"""The planner against the exact optimum of small cases, and its rules (pure)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest

from exchange.freight.costs import CostModel, Point, Shipment
from exchange.freight.planner import plan
from tests.depth import examples
from tests.freight.brute import optimum

DAY = date(2027, 1, 4)
MODEL = CostModel()
MADURA = Point(-7.0, 113.86)
JOMBANG = Point(-7.55, 112.23)


def market(rng: random.Random, n: int, bundles: bool = False) -> list[Shipment]:
    """n shipments between places of central East Java, some of them tied in pairs."""
    out = []
    for i in range(n):
        a = Point(-7.0 - rng.random(), 112.0 + rng.random() * 1.5)
        b = Point(-7.0 - rng.random(), 112.0 + rng.random() * 1.5)
        day = DAY if rng.random() < 0.85 else date(2027, 1, 5)
        kg = rng.choice([300, 800, 1_500, 2_500, 5_000])
        out.append(Shipment(i + 1, kg, a, b, day))
    if bundles and n >= 2 and rng.random() < 0.7:
        a, b = out[0], out[1]  # a reciprocal pair: b runs back from a's buyer to a's seller
        out[0] = Shipment(1, a.kg, a.pickup, a.drop, DAY, bundle=1)
        out[1] = Shipment(2, b.kg, a.drop, a.pickup, DAY, bundle=1)
    return out


@pytest.mark.deep
@pytest.mark.parametrize("seed", range(examples(12, 120)))
def test_the_plan_costs_the_exact_optimum_over_all_groupings(seed):
    rng = random.Random(seed)
    shipments = market(rng, rng.randint(2, 5), bundles=seed % 2 == 0)
    result = plan(shipments, MODEL, time_limit_s=2)
    assert result.cost_planned == optimum(shipments, MODEL)
    for trip in result.trips:
        assert sum(trip.shares.values()) == trip.route.cost
        assert all(trip.shares[d] <= trip.stand_alone[d] for d in trip.deal_ids)
        assert trip.route.cost < sum(trip.stand_alone.values())
        assert len({s.day for s in trip.shipments}) == 1


def test_salt_out_of_madura_and_rice_back_share_one_truck():
    salt = Shipment(1, 2_000, MADURA, JOMBANG, DAY)
    rice = Shipment(2, 2_400, JOMBANG, MADURA, DAY)
    result = plan([salt, rice], MODEL, time_limit_s=2)
    (trip,) = result.trips
    assert trip.deal_ids == (1, 2)
    assert trip.route.vehicle.code == "engkel"
    # the back-haul saves about half the driving
    assert trip.saving > 0.4 * sum(trip.stand_alone.values())


def test_the_legs_of_a_ribawi_bundle_are_never_split():
    rng = random.Random(5)
    for _ in range(examples(6, 40)):
        shipments = market(rng, 5, bundles=True)
        result = plan(shipments, MODEL, time_limit_s=2)
        legs = [s.deal_id for s in shipments if s.bundle is not None]
        for trip in result.trips:
            inside = [d for d in legs if d in trip.deal_ids]
            assert inside in ([], legs)


def test_a_bundle_whose_legs_fall_on_two_days_stays_out():
    salt = Shipment(1, 2_000, MADURA, JOMBANG, DAY, bundle=3)
    rice = Shipment(2, 2_400, JOMBANG, MADURA, date(2027, 1, 5), bundle=3)
    assert plan([salt, rice], MODEL).trips == ()


def test_deals_on_different_days_never_share():
    salt = Shipment(1, 2_000, MADURA, JOMBANG, DAY)
    rice = Shipment(2, 2_400, JOMBANG, MADURA, date(2027, 1, 5))
    assert plan([salt, rice], MODEL).alone == (1, 2)


def test_windows_that_cannot_meet_keep_the_deals_apart():
    salt = Shipment(1, 2_000, MADURA, JOMBANG, DAY, drop_window=(16 * 60, 17 * 60))
    rice = Shipment(2, 2_400, JOMBANG, MADURA, DAY, pickup_window=(7 * 60, 8 * 60))
    assert plan([salt, rice], MODEL).trips == ()


def test_full_loads_are_left_out():
    salt = Shipment(1, 9_000, MADURA, JOMBANG, DAY)
    rice = Shipment(2, 400, JOMBANG, MADURA, DAY)
    assert plan([salt, rice], MODEL).trips == ()


def test_the_same_input_gives_the_same_plan():
    shipments = market(random.Random(11), 5)
    assert plan(shipments, MODEL, 2) == plan(list(reversed(shipments)), MODEL, 2)


@pytest.mark.deep
@pytest.mark.parametrize("seed", range(examples(10, 100)))
def test_the_exact_route_is_the_cheapest_of_every_order(seed):
    """best_route (pruned search, which the brute force also uses) against every permutation."""
    from itertools import permutations

    from exchange.freight.routes import best_route, distances, priced

    rng = random.Random(seed)
    group = [replace(s, day=DAY) for s in market(rng, rng.randint(1, 3))]
    dist = distances(group, MODEL)
    routes = [priced(p, group, dist, MODEL) for p in permutations(range(2 * len(group)))]
    costs = [r.cost for r in routes if r is not None]
    found = best_route(group, MODEL)
    assert (found.cost if found else None) == (min(costs) if costs else None)
    if found is not None:  # a limit at the optimum finds nothing cheaper; just above, the optimum
        assert best_route(group, MODEL, limit=found.cost) is None
        assert best_route(group, MODEL, limit=found.cost + 1).cost == found.cost
