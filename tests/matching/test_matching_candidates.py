"""Each compatibility rule of FORMAT.md, on hand-made pairs."""

import math

import pytest
from matching_helpers import PES, instance, listing

from exchange.matching.candidates import compatible_pairs
from exchange.matching.geo import EARTH_RADIUS_KM
from exchange.matching.model import Pesantren

ROAD_KM = EARTH_RADIUS_KM * math.radians(1.0) * 1.3  # P1 -> P2
TRANSPORT = 2.0 * ROAD_KM  # per kg


def pairs(*ls):
    c = compatible_pairs(instance(*ls))
    return {
        (c.offers[i].id, c.requests[j].id): s
        for i, j, s in zip(
            c.offer_idx.tolist(), c.request_idx.tolist(), c.surplus.tolist(), strict=True
        )
    }


def offer(**kw):
    return listing("O", "offer", **{"pes": "P1", "price": 1000, **kw})


def request(**kw):
    return listing("R", "request", **{"pes": "P2", "price": 2000, **kw})


def test_compatible_pair_has_surplus_price_gap_less_transport():
    got = pairs(offer(), request())
    assert list(got) == [("O", "R")]
    assert got["O", "R"] == pytest.approx(1000 - TRANSPORT)


@pytest.mark.parametrize("og, rg, ok", [(2, 1, True), (2, 2, True), (1, 2, False)])
def test_offer_grade_must_reach_requested_grade(og, rg, ok):
    assert bool(pairs(offer(grade=og), request(grade=rg))) is ok


@pytest.mark.parametrize(
    "ow, rw, ok",
    [
        ((0, 10), (5, 20), True),
        ((0, 10), (10, 20), True),  # touching on the last day: inclusive
        ((10, 20), (0, 10), True),  # touching on the first day
        ((0, 10), (11, 20), False),  # one day apart
        ((11, 20), (0, 10), False),
        ((0, 30), (5, 6), True),  # one inside the other
    ],
)
def test_windows_must_overlap_inclusive(ow, rw, ok):
    assert bool(pairs(offer(window=ow), request(window=rw))) is ok


@pytest.mark.parametrize(
    "limit, ok",
    [(None, True), (ROAD_KM + 0.01, True), (ROAD_KM - 0.01, False), (100, False), (300, True)],
)
def test_distance_limit_of_the_request(limit, ok):
    assert bool(pairs(offer(), request(max_distance_km=limit))) is ok


def test_zero_surplus_is_compatible_negative_is_not():
    # P9 stands on P1's spot: distance 0, so the surplus is exactly the price gap.
    spot = PES + (Pesantren("P9", "3529", 0.0, 0.0),)
    zero = compatible_pairs(
        instance(offer(price=1500), request(pes="P9", price=1500), pesantren=spot)
    )
    assert len(zero) == 1 and zero.surplus[0] == 0.0
    below = compatible_pairs(
        instance(offer(price=1500), request(pes="P9", price=1499), pesantren=spot)
    )
    assert len(below) == 0


def test_price_gap_below_transport_is_excluded():
    gap = math.floor(TRANSPORT)  # a little less than the transport cost
    assert pairs(offer(price=1000), request(price=1000 + gap)) == {}
    assert pairs(offer(price=1000), request(price=1000 + gap + 1))


def test_same_pesantren_is_excluded():
    assert pairs(offer(pes="P1"), request(pes="P1")) == {}


def test_different_commodity_is_excluded():
    assert pairs(offer(commodity="garam_krosok"), request(commodity="beras")) == {}


def test_only_offers_meet_requests_never_offer_with_offer():
    got = pairs(
        offer(),
        listing("O2", "offer", pes="P2", price=2000),
        listing("R2", "request", pes="P1", price=3000),
        request(),
    )
    assert set(got) == {("O", "R"), ("O2", "R2")}


def test_small_blocks_give_the_same_pairs():
    ls = [
        listing(
            f"O{k}", "offer", pes=("P1", "P2", "P3")[k % 3], price=900 + 10 * k, window=(k, k + 5)
        )
        for k in range(7)
    ]
    ls += [
        listing(
            f"R{k}", "request", pes=("P2", "P3", "P1")[k % 3], price=1800 + 7 * k, window=(k, k + 3)
        )
        for k in range(9)
    ]
    a, b = compatible_pairs(instance(*ls)), compatible_pairs(instance(*ls), block_cells=5)
    assert a.offer_idx.tolist() == b.offer_idx.tolist()
    assert a.request_idx.tolist() == b.request_idx.tolist()
    assert a.surplus.tolist() == b.surplus.tolist()
