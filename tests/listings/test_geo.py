import math

from hypothesis import given, settings
from hypothesis import strategies as st

from exchange.listings import geo
from tests.depth import examples

lat = st.floats(min_value=-9.0, max_value=-5.0)
lon = st.floats(min_value=110.5, max_value=116.5)


def test_known_distance_sumenep_to_surabaya():
    # Regency seats from the CSV: about 123 km as the crow flies, times 1.3 on the road.
    km = geo.road_km(-7.0070, 113.8600, -7.2575, 112.7521, 1.3)
    assert 155 < km < 165


def test_zero_distance_to_itself():
    assert geo.great_circle_km(-7.1, 112.2, -7.1, 112.2) == 0


@settings(max_examples=examples(25, 60))
@given(lat, lon, lat, lon, st.floats(min_value=1, max_value=800))
def test_chord_limit_selects_exactly_the_places_within_the_distance(la1, lo1, la2, lo2, max_km):
    road = geo.road_km(la1, lo1, la2, lo2, 1.3)
    chord2 = geo.chord2(geo.unit_vector(la1, lo1), geo.unit_vector(la2, lo2))
    limit = geo.chord2_limit(max_km, 1.3)
    # unit vectors carry ~1e-16 of absolute error: a chord of 1 km is ~1e-8 relative (hence 1e-6)
    if not math.isclose(road, max_km, rel_tol=1e-6):
        assert (chord2 <= limit) == (road <= max_km)


@settings(max_examples=examples(25, 60))
@given(lat, lon, lat, lon, lat, lon)
def test_chord_orders_places_as_the_distance_does(la, lo, la1, lo1, la2, lo2):
    origin = geo.unit_vector(la, lo)
    d1, d2 = geo.great_circle_km(la, lo, la1, lo1), geo.great_circle_km(la, lo, la2, lo2)
    c1 = geo.chord2(origin, geo.unit_vector(la1, lo1))
    c2 = geo.chord2(origin, geo.unit_vector(la2, lo2))
    if abs(d1 - d2) > 1e-6:
        assert (c1 < c2) == (d1 < d2)


@settings(max_examples=examples(25, 60))
@given(lat, lon, lat, lon, st.floats(min_value=1, max_value=800))
def test_the_bounding_box_holds_every_place_within_the_distance(la1, lo1, la2, lo2, max_km):
    (lat_lo, lat_hi), (lon_lo, lon_hi) = geo.bounding_box(la1, lo1, max_km, 1.3)
    if geo.road_km(la1, lo1, la2, lo2, 1.3) <= max_km:
        assert lat_lo <= la2 <= lat_hi and lon_lo <= lo2 <= lon_hi
