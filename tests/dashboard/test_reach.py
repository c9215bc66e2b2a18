"""Unmet demand: which requests no offer reaches, and the nearest thing to a match."""

from datetime import date

from exchange.dashboard.reach import Open, haversine_km, reach

D = date(2027, 1, 4).toordinal()
TRANSPORT = {1: 2.0}
# Sumenep and Surabaya are about 130 km apart; Ponorogo and Surabaya about 160 km.
SUMENEP, SURABAYA, PONOROGO = (-7.0167, 113.8667), (-7.2575, 112.7521), (-7.8680, 111.4620)


def listing(i, owner, place, price, remaining=100, grade=2, start=D, end=D + 30, maxd=None, cid=1):
    return Open(i, owner, "x", cid, grade, remaining, price, start, end, *place, maxd)


def test_distance_is_great_circle_km():
    assert 120 < haversine_km(*SUMENEP, *SURABAYA) < 135


def test_a_request_within_reach_and_price_is_met_and_the_offer_not_idle():
    request = listing(1, 10, SURABAYA, price=1800, remaining=100, maxd=200)
    offer = listing(2, 20, SUMENEP, price=1400, remaining=100)  # 1400 + 2 * ~124 < 1800
    result = reach([request], [offer], TRANSPORT)
    assert result.gaps == ()
    assert result.idle == {}


def test_too_dear_after_transport_shows_the_offer_and_the_gap():
    request = listing(1, 10, SURABAYA, price=1500, remaining=100, maxd=200)
    offer = listing(2, 20, SUMENEP, price=1400, remaining=300)
    (gap,) = reach([request], [offer], TRANSPORT).gaps
    assert gap.blocked_by == "price"
    assert gap.offer_id == 2
    assert gap.unmet == 100
    distance = float(haversine_km(*SURABAYA, *SUMENEP))
    assert gap.delivered_price == round(1400 + 2.0 * distance)
    assert gap.price_gap == gap.delivered_price - 1500
    assert reach([request], [offer], TRANSPORT).idle == {2: 300}


def test_too_far_names_the_nearest_offer():
    request = listing(1, 10, SURABAYA, price=5000, maxd=50)
    near = listing(2, 20, SUMENEP, price=1000)
    far = listing(3, 30, PONOROGO, price=900)
    (gap,) = reach([request], [near, far], TRANSPORT).gaps
    assert gap.blocked_by == "distance"
    assert gap.offer_id == 2


def test_grade_window_owner_and_commodity_must_fit():
    request = listing(1, 10, SURABAYA, price=5000, grade=2)
    offers = [
        listing(2, 20, SUMENEP, price=1000, grade=1),  # worse grade
        listing(3, 20, SUMENEP, price=1000, start=D + 40, end=D + 50),  # later window
        listing(4, 10, SURABAYA, price=1000),  # the requester's own offer
        listing(5, 20, SUMENEP, price=1000, cid=2),  # another commodity
    ]
    gaps = reach([request], offers, TRANSPORT).gaps
    assert [(g.request_id, g.blocked_by, g.unmet) for g in gaps] == [(1, "none", 100)]


def test_partly_covered_request_counts_only_the_shortfall():
    request = listing(1, 10, SURABAYA, price=5000, remaining=500)
    offer = listing(2, 20, SUMENEP, price=1000, remaining=200)
    (gap,) = reach([request], [offer], TRANSPORT).gaps
    assert (gap.unmet, gap.blocked_by) == (300, "quantity")
