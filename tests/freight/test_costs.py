"""The cost model and the split (pure)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exchange.freight.costs import CostModel, Point, Shipment, split, stand_alone, trip_cost
from tests.depth import examples

MADURA = Point(-7.0, 113.86)  # Sumenep, salt
JOMBANG = Point(-7.55, 112.23)  # rice
MODEL = CostModel()


def test_stand_alone_is_the_cheapest_class_out_and_back():
    small = Shipment(1, 900, MADURA, JOMBANG, date(2027, 1, 4))
    cost, vehicle = stand_alone(small, MODEL)
    assert vehicle.code == "pickup"
    big = Shipment(2, 6_000, MADURA, JOMBANG, date(2027, 1, 4))
    cost_big, vehicle_big = stand_alone(big, MODEL)
    assert vehicle_big.code == "truk"
    assert cost_big > cost
    # 2 stops and the round trip at the class's rate
    from exchange.freight.costs import metres

    out_back = 2 * metres(MADURA, JOMBANG, MODEL.road_factor)
    assert cost == trip_cost(out_back, 2, MODEL.vehicle("pickup"), MODEL)


def test_goods_heavier_than_the_largest_class_take_several_trucks():
    heavy = Shipment(1, 20_000, MADURA, JOMBANG, date(2027, 1, 4))
    one = stand_alone(Shipment(2, 8_000, MADURA, JOMBANG, date(2027, 1, 4)), MODEL)[0]
    assert stand_alone(heavy, MODEL) == (3 * one, None)


@settings(max_examples=examples(200, 3000), deadline=None)
@given(
    st.dictionaries(st.integers(1, 10**6), st.integers(0, 10**9), min_size=1, max_size=12),
    st.floats(0, 1),
)
@pytest.mark.deep
def test_the_split_sums_to_the_trip_and_never_charges_more_than_alone(alone, fraction):
    whole = sum(alone.values())
    if whole == 0:
        return
    total = int(whole * fraction)
    shares = split(total, alone)
    assert sum(shares.values()) == total
    assert all(0 <= shares[d] <= alone[d] for d in alone)
    # proportional: each share is within one rupiah of the exact proportion
    assert all(abs(shares[d] - total * alone[d] / whole) < 1 + 1e-6 * total for d in alone)


def test_the_split_can_be_checked_by_hand():
    assert split(1_000, {7: 600, 9: 900}) == {7: 400, 9: 600}
    # 1000 x 1/3 each: 333 each and the one rupiah left goes to the lower id
    assert split(1_000, {5: 1, 3: 1, 4: 1}) == {3: 334, 4: 333, 5: 333}


def test_a_negative_cost_is_refused():
    with pytest.raises(ValueError):
        split(-1, {1: 5})
