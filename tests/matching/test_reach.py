"""Unmet demand: which requests no offer reaches, and the nearest thing to a match, by the
matching engine's own rule (places, road factor, akad, minimum quantities)."""

import random
from datetime import date, timedelta

import pytest

from exchange.matching.explain import explain
from exchange.matching.geo import radians, road_distance_km
from exchange.matching.model import Commodity, Instance, Listing, Pesantren
from exchange.matching.reach import reach
from tests.depth import DEEP

D = date(2027, 1, 4)
SALT = Commodity("garam_krosok", "kg", 2.0, 3)
RICE = Commodity("beras_medium", "kg", 1.0, 2)
# Sumenep and Surabaya are about 130 km apart; Ponorogo and Surabaya about 160 km.
SUMENEP, SURABAYA, PONOROGO = (-7.0167, 113.8667), (-7.2575, 112.7521), (-7.8680, 111.4620)
BATU = (-7.8672, 112.5239)
PES = {
    "10": Pesantren("10", "3578", *SURABAYA),
    "20": Pesantren("20", "3529", *SUMENEP),
    "30": Pesantren("30", "3502", *PONOROGO),
}
ROAD = 1.3


def listing(i, side, owner, price, remaining=100, grade=2, start=0, end=30, **kw):
    return Listing(
        str(i), side, str(owner), kw.pop("commodity", "garam_krosok"), grade, remaining, price,
        D + timedelta(days=start), D + timedelta(days=end), **kw,
    )  # fmt: skip


def request(i, owner=10, price=5000, **kw):
    return listing(i, "request", owner, price, **kw)


def offer(i, owner=20, price=1000, **kw):
    return listing(i, "offer", owner, price, **kw)


def run(*listings, road=ROAD):
    inst = Instance(road, (RICE, SALT), tuple(PES.values()), tuple(listings))
    requests = {int(x.id): x.quantity for x in listings if x.side == "request"}
    offers = {int(x.id): x.quantity for x in listings if x.side == "offer"}
    return reach(inst, requests, offers)


def road_km(a, b, road=ROAD):
    lat1, lon1 = radians([a[0]]), radians([a[1]])
    lat2, lon2 = radians([b[0]]), radians([b[1]])
    return float(road_distance_km(lat1, lon1, lat2, lon2, road)[0])


def test_a_request_within_reach_and_price_is_met_and_the_offer_not_idle():
    result = run(request(1, price=1800), offer(2, price=1400))  # 1400 + 2 x 168 km < 1800
    assert result.gaps == ()
    assert result.idle == {}


def test_too_dear_after_transport_shows_the_offer_and_the_road_distance():
    result = run(request(1, price=1500, max_distance_km=250), offer(2, price=1400, remaining=300))
    (gap,) = result.gaps
    assert (gap.blocked_by, gap.offer_id, gap.unmet) == ("price", 2, 100)
    km = road_km(SURABAYA, SUMENEP)  # the road factor of the instance, not the straight line
    assert gap.distance_km == round(km, 1)
    assert gap.delivered_price == round(1400 + 2.0 * km)
    assert gap.price_gap == gap.delivered_price - 1500
    assert result.idle == {2: 300}


def test_too_far_names_the_nearest_offer():
    near, far = offer(2, owner=20), offer(3, owner=30, price=900)
    (gap,) = run(request(1, max_distance_km=50), near, far).gaps
    assert (gap.blocked_by, gap.offer_id) == ("distance", 2)


def test_distances_run_between_the_listings_own_places():
    # A Sumenep pesantren's salt stored in Surabaya is next door for a Surabaya buyer ...
    stored = offer(2, owner=20, lat=SURABAYA[0] + 0.01, lon=SURABAYA[1])
    assert run(request(1, max_distance_km=40), stored).gaps == ()
    # ... and a Surabaya pesantren's salt stored in Batu is not (about 94 road-km away).
    in_batu = offer(3, owner=30, lat=BATU[0], lon=BATU[1])
    (gap,) = run(request(1, max_distance_km=40), in_batu).gaps
    assert gap.blocked_by == "distance" and gap.distance_km > 40


def test_grade_window_owner_commodity_akad_and_minimum_must_fit():
    offers = [
        offer(2, grade=1),  # worse grade
        offer(3, start=40, end=50),  # later window
        offer(4, owner=10),  # the requester's own offer
        offer(5, commodity="beras_medium"),  # another commodity
        offer(6, akad=("salam",)),  # no akad in common with the request's tunai, tempo
        offer(7, min_quantity=500),  # the request's 100 is below the offer's minimum
    ]
    result = run(request(1, akad=("tunai", "tempo")), *offers)
    assert [(g.request_id, g.blocked_by, g.unmet) for g in result.gaps] == [(1, "none", 100)]
    assert set(result.idle) == {2, 3, 4, 5, 6, 7}


def test_partly_covered_request_counts_only_the_shortfall():
    (gap,) = run(request(1, remaining=500), offer(2, remaining=200)).gaps
    assert (gap.unmet, gap.blocked_by, gap.offer_id) == (300, "quantity", None)


def test_an_open_request_left_out_of_the_instance_is_unmet():
    # Below its own minimum, it cannot take part in any deal (adapter.takes_part).
    inst = Instance(ROAD, (SALT,), tuple(PES.values()), (offer(2),))
    (gap,) = reach(inst, {1: 100}, {2: 100}).gaps
    assert (gap.request_id, gap.blocked_by, gap.unmet) == (1, "none", 100)


def _market(seed: int, n: int = 240) -> list[Listing]:
    rng = random.Random(seed)
    out = []
    for i in range(1, n + 1):
        side = rng.choice(("offer", "request"))
        owner = rng.choice(list(PES))
        place = {}
        if rng.random() < 0.3:
            place = {"lat": rng.uniform(-8.3, -6.9), "lon": rng.uniform(111.2, 114.3)}
        akad = tuple(rng.sample(("tunai", "tempo", "salam", "murabahah"), rng.randint(1, 3)))
        moq = rng.choice((None, None, 50, 200))
        quantity = rng.choice((40, 100, 300, 800))
        out.append(
            Listing(
                str(i), side, owner, rng.choice(("garam_krosok", "beras_medium")),
                rng.randint(1, 2), quantity, rng.randint(900, 1600),
                D + timedelta(days=rng.randint(0, 20)), D + timedelta(days=rng.randint(21, 40)),
                rng.choice((None, 60.0, 150.0)) if side == "request" else None,
                akad=akad, min_quantity=moq if moq is None or moq <= quantity else None,
                **place,
            )
        )  # fmt: skip
    return out


def _other_reasons(e, r) -> int:
    """How many of the pair's reasons are neither the price nor the distance."""
    price = e.surplus_per_unit < 0
    far = r.max_distance_km is not None and e.distance_km > r.max_distance_km
    return len(e.reasons) - price - far


@pytest.mark.deep
def test_reach_agrees_with_the_engines_single_pair_rule_on_a_generated_market():
    coms = {"garam_krosok": SALT, "beras_medium": RICE}
    for seed in (1, 2, 3) if DEEP else (1,):
        listings = _market(seed)
        result = run(*listings)
        offers = [x for x in listings if x.side == "offer"]
        gaps = {g.request_id: g for g in result.gaps}
        taken = {int(o.id): 0 for o in offers}
        for r in (x for x in listings if x.side == "request"):
            verdicts = {
                int(o.id): explain(
                    o, r, PES[o.pesantren], PES[r.pesantren], coms[o.commodity], ROAD
                )
                for o in offers
                if o.commodity == r.commodity
            }
            fitting = [
                o for o in offers if int(o.id) in verdicts and verdicts[int(o.id)].compatible
            ]
            for o in fitting:
                taken[int(o.id)] += r.quantity
            unmet = r.quantity - sum(o.quantity for o in fitting)
            if unmet <= 0:
                assert int(r.id) not in gaps
                continue
            gap = gaps[int(r.id)]
            assert gap.unmet == unmet
            assert (gap.blocked_by == "quantity") == bool(fitting)
            kind = [k for k, e in verdicts.items() if _other_reasons(e, r) == 0]
            assert (gap.blocked_by == "none") == (not kind)
            if gap.offer_id is None:
                continue
            e = verdicts[gap.offer_id]
            assert gap.distance_km == round(e.distance_km, 1)
            assert not e.compatible and _other_reasons(e, r) == 0
            within = r.max_distance_km is None or e.distance_km <= r.max_distance_km
            assert within == (gap.blocked_by in ("price", "quantity"))
        idle = {int(o.id): o.quantity - taken[int(o.id)] for o in offers}
        assert result.idle == {k: q for k, q in idle.items() if q > 0}
