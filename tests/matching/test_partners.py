"""Reciprocal partners' flows for the whole market at once (stored with each clearing run),
checked against the engine's single-pair rule (explain) pair by pair."""

from collections import defaultdict

from exchange.matching.candidates import compatible_pairs
from exchange.matching.explain import explain
from exchange.matching.model import Instance
from exchange.matching.partners import partner_flows
from tests.matching.test_reach import PES, RICE, ROAD, SALT, _market, offer, request


def _brute(listings):
    coms = {"garam_krosok": SALT, "beras_medium": RICE}
    supply, demand, dist = defaultdict(dict), defaultdict(dict), {}
    for o in (x for x in listings if x.side == "offer"):
        for r in (x for x in listings if x.side == "request" and x.commodity == o.commodity):
            if o.pesantren == r.pesantren:
                continue
            e = explain(o, r, PES[o.pesantren], PES[r.pesantren], coms[o.commodity], ROAD)
            if not e.compatible:
                continue
            key = (o.pesantren, r.pesantren, o.commodity)
            supply[key][o.id] = o.quantity
            demand[key][r.id] = r.quantity
            dist[key] = min(e.distance_km, dist.get(key, e.distance_km))
    ways = {(s, b) for s, b, _c in supply}
    return {
        key: (min(sum(supply[key].values()), sum(demand[key].values())), dist[key])
        for key in supply
        if (key[1], key[0]) in ways
    }


def test_partner_flows_agree_with_the_single_pair_rule_on_a_generated_market():
    for seed in (1, 2, 3):
        listings = _market(seed)
        inst = Instance(ROAD, (RICE, SALT), tuple(PES.values()), tuple(listings))
        flows = partner_flows(inst, compatible_pairs(inst))
        expected = _brute(listings)
        assert expected  # the generated market has reciprocal partners
        assert {(f.seller, f.buyer, f.commodity) for f in flows} == set(expected)
        for f in flows:
            quantity, km = expected[(f.seller, f.buyer, f.commodity)]
            assert f.quantity == quantity
            assert abs(f.distance_km - km) < 1e-6


def test_one_way_trade_is_no_partnership():
    listings = (offer(1, owner=20), request(2, owner=10))
    inst = Instance(ROAD, (RICE, SALT), tuple(PES.values()), listings)
    assert partner_flows(inst, compatible_pairs(inst)) == ()
