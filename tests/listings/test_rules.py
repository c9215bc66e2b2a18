from dataclasses import replace
from datetime import date, timedelta

import pytest

from exchange.listings.rules import CommodityFacts, Limits, ListingInput, check, halal_applies

TODAY = date(2027, 1, 4)
SALT = CommodityFacts("garam_krosok", ("K1", "K2", "K3"), is_food=True)
BATIK = CommodityFacts("batik_tulis", ("Tulis halus", "Tulis"), is_food=False, made_to_order=True)
GOOD = ListingInput(
    side="offer",
    commodity="garam_krosok",
    quantity=5000,
    grade="K2",
    price=1400,
    window_start=TODAY,
    window_end=TODAY + timedelta(days=30),
    akad=("tunai",),
)


def codes(inp, commodity=SALT, **kw):
    return {(p.field, p.code) for p in check(inp, commodity, TODAY, Limits(), **kw)}


def test_a_good_listing_has_no_problems():
    assert codes(GOOD) == set()
    assert codes(replace(GOOD, side="request", max_distance_km=150.0)) == set()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"side": "gift"}, ("side", "side")),
        ({"quantity": None}, ("quantity", "required")),
        ({"quantity": 0}, ("quantity", "positive")),
        ({"quantity": -3}, ("quantity", "positive")),
        ({"quantity": 10_000_001}, ("quantity", "quantity_max")),
        ({"price": 0}, ("price", "positive")),
        ({"price": 1_000_000_001}, ("price", "price_max")),
        ({"grade": "Premium A"}, ("grade", "grade")),
        ({"window_start": TODAY - timedelta(days=1)}, ("window_start", "start_past")),
        ({"window_end": TODAY - timedelta(days=1)}, ("window_end", "end_before_start")),
        (
            {"window_start": TODAY + timedelta(days=5), "window_end": TODAY + timedelta(days=4)},
            ("window_end", "end_before_start"),
        ),
        ({"window_end": TODAY + timedelta(days=366)}, ("window_end", "window_long")),
        ({"window_end": None}, ("window_end", "required")),
        ({"lat": 1.0, "lon": 112.0}, ("lat", "place")),
        ({"lat": -7.0, "lon": 130.0}, ("lon", "place")),
        ({"akad": ()}, ("akad", "akad_required")),
        ({"akad": ("riba",)}, ("akad", "akad_unknown")),
        ({"akad": ("tunai", "istisna")}, ("akad", "istisna_made_to_order")),
        ({"note": "x" * 1001}, ("note", "too_long")),
        ({"halal_cert": "I" * 41}, ("halal_cert", "too_long")),
    ],
)
def test_each_rule_refuses_with_its_field(change, expected):
    assert expected in codes(replace(GOOD, **change))


def test_upper_bounds_themselves_are_accepted():
    inp = replace(GOOD, quantity=10_000_000, price=1_000_000_000, note="x" * 1000)
    assert codes(replace(inp, window_end=TODAY + timedelta(days=365))) == set()


def test_unknown_commodity_is_refused():
    assert ("commodity", "commodity_unknown") in codes(GOOD, commodity=None)


def test_request_distance_must_be_positive_and_sane():
    request = replace(GOOD, side="request")
    assert ("max_distance_km", "distance_positive") in codes(replace(request, max_distance_km=0))
    assert ("max_distance_km", "distance_max") in codes(replace(request, max_distance_km=1001))


def test_istisna_is_fine_for_made_to_order_goods():
    batik = replace(GOOD, commodity="batik_tulis", grade="Tulis", akad=("istisna",))
    assert codes(replace(batik, made_to_order=True), commodity=BATIK) == set()


def test_an_edit_may_keep_a_first_day_already_past():
    old_start = TODAY - timedelta(days=3)
    assert codes(replace(GOOD, window_start=old_start), previous_start=old_start) == set()


def test_halal_number_is_asked_for_food_offers_only():
    assert halal_applies("offer", SALT)
    assert not halal_applies("request", SALT)
    assert not halal_applies("offer", BATIK)
