"""Format 2 (FORMAT.md): reading and writing, akad, listing places, minimum quantities, and the one
compatibility rule shared by `explain()` and the vectorised candidates."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching_helpers import GARAM, PES, day, instance, listing

from exchange.matching.candidates import compatible_pairs
from exchange.matching.explain import explain
from exchange.matching.formats import (
    FormatError,
    dumps_result,
    instance_from_dict,
    instance_to_dict,
    result_from_dict,
)
from exchange.matching.model import (
    AKAD_CODES,
    Commodity,
    Deal,
    Instance,
    Listing,
    Pesantren,
    Result,
)
from tests.depth import examples

SURABAYA = Pesantren("PSBY", "3578", -7.2575, 112.7521)
SUMENEP = Pesantren("PSMP", "3529", -7.0070, 113.8600)
SUBURB = Pesantren("PSB2", "3578", -7.2600, 112.7500)


def doc2(**changes) -> dict:
    ins = instance(
        listing("O", "offer", akad=("tunai", "salam"), place=(0.0, 0.2), min_quantity=10),
        listing("R", "request", pes="P2", akad=("salam",), max_distance_km=300.0),
        format_version=2,
    )
    d = instance_to_dict(ins)
    d["listings"][0].update(changes)
    return d


def pairs(ins) -> dict:
    c = compatible_pairs(ins)
    return {
        (c.offers[i].id, c.requests[j].id): d
        for i, j, d in zip(
            c.offer_idx.tolist(), c.request_idx.tolist(), c.distance.tolist(), strict=True
        )
    }


def test_format2_instance_round_trips_with_akad_place_and_minimum():
    d = doc2()
    assert d["format"] == "pesantren-exchange-instance/2"
    ins = instance_from_dict(json.loads(json.dumps(d)))
    o = ins.listings[0]
    assert ins.format_version == 2
    assert (o.akad, o.lat, o.lon, o.min_quantity) == (("tunai", "salam"), 0.0, 0.2, 10)
    assert ins.listings[1].lat is None and ins.listings[1].min_quantity is None
    assert instance_to_dict(ins) == d


def test_format1_listings_accept_every_akad_at_their_pesantren_without_minimum():
    ins = instance_from_dict(instance_to_dict(instance(listing("O", "offer"))))
    assert ins.format_version == 1
    o = ins.listings[0]
    assert (o.akad, o.lat, o.min_quantity) == (AKAD_CODES, None, None)


@pytest.mark.parametrize(
    "change, words",
    [
        ({"akad": []}, "non-empty list of akad"),
        ({"akad": "tunai"}, "non-empty list of akad"),
        ({"akad": ["tunai", "barter"]}, "unknown akad 'barter'"),
        ({"akad": ["tunai", "tunai"]}, "listed twice"),
        ({"lat": None, "lon": 0.1}, "expected a number"),
        ({"lat": -91.0}, "between -90 and 90"),
        ({"lon": 181.0}, "between -180 and 180"),
        ({"min_quantity": 0}, "positive"),
        ({"min_quantity": 2.5}, "whole number"),
        ({"min_quantity": "5"}, "whole number"),
    ],
)
def test_bad_format2_listings_are_refused_with_a_reason(change, words):
    with pytest.raises(FormatError, match=words):
        instance_from_dict(doc2(**change))


def test_format2_needs_akad_and_both_coordinates():
    d = doc2()
    del d["listings"][0]["akad"]
    with pytest.raises(FormatError, match="missing 'akad'"):
        instance_from_dict(d)
    d = doc2()
    del d["listings"][0]["lon"]
    with pytest.raises(FormatError, match="lat and lon must be given together"):
        instance_from_dict(d)


def test_format1_file_with_format2_fields_is_refused():
    d = instance_to_dict(instance(listing("O", "offer")))
    d["listings"][0]["akad"] = ["tunai"]
    with pytest.raises(FormatError, match="belong to format 2"):
        instance_from_dict(d)
    d["format"] = "pesantren-exchange-instance/3"
    with pytest.raises(FormatError, match="expected 'pesantren-exchange-instance/1' or"):
        instance_from_dict(d)


def test_result_is_written_in_its_instance_format():
    deals = (Deal("O", "R", 5, 100, "salam"),)
    two = json.loads(dumps_result(Result(deals, format_version=2)))
    assert two["format"] == "pesantren-exchange-result/2"
    assert two["deals"] == [
        {"offer": "O", "request": "R", "quantity": 5, "price": 100, "akad": "salam"}
    ]
    assert result_from_dict(two).deals == deals
    one = json.loads(dumps_result(Result(deals)))
    assert one["format"] == "pesantren-exchange-result/1" and "akad" not in one["deals"][0]


def test_only_pairs_sharing_an_akad_are_compatible():
    o = listing("O", "offer", akad=("tunai", "tempo"))
    assert pairs(instance(o, listing("R", "request", pes="P2", price=2000, akad=("salam",)))) == {}
    both = instance(o, listing("R", "request", pes="P2", price=2000, akad=("salam", "tempo")))
    assert list(pairs(both)) == [("O", "R")]


def test_a_sumenep_offer_stored_in_surabaya_is_0_km_from_a_surabaya_buyer():
    pes = (SURABAYA, SUMENEP)
    offer = listing("O", "offer", pes="PSMP", place=(SURABAYA.lat, SURABAYA.lon), price=1000)
    buyer = listing("R", "request", pes="PSBY", price=1010, max_distance_km=5.0)
    ins = instance(offer, buyer, pesantren=pes, format_version=2)
    assert pairs(ins) == {("O", "R"): 0.0}
    e = explain(offer, buyer, SUMENEP, SURABAYA, GARAM, 1.3)
    assert e.compatible and e.distance_km == 0.0
    # At its pesantren, the same offer is too far for that buyer.
    home = listing("O", "offer", pes="PSMP", price=1000)
    assert pairs(instance(home, buyer, pesantren=pes)) == {}
    assert "beyond the 5 km limit" in explain(home, buyer, SUMENEP, SURABAYA, GARAM, 1.3).reasons[0]


def test_an_offer_stored_far_away_is_that_far_from_a_neighbour():
    pes = (SURABAYA, SUBURB)
    far = listing("O", "offer", pes="PSBY", place=(-7.87, 112.52), price=1000)  # stored in Batu
    buyer = listing("R", "request", pes="PSB2", price=3000, max_distance_km=40.0)
    assert pairs(instance(far, buyer, pesantren=pes)) == {}
    e = explain(far, buyer, SURABAYA, SUBURB, GARAM, 1.3)
    assert not e.compatible and e.distance_km > 90


@pytest.mark.parametrize(
    "oq, omin, rq, rmin, ok",
    [
        (100, None, 100, None, True),
        (100, 100, 100, None, True),  # exactly the minimum
        (100, None, 60, 61, False),  # the request is below its own minimum
        (50, None, 100, 60, False),  # the offer cannot supply the buyer's minimum
        (100, 60, 50, None, False),  # the request cannot take the seller's minimum
        (100, 60, 80, 70, True),
    ],
)
def test_pairs_that_can_never_meet_the_larger_minimum_are_dropped(oq, omin, rq, rmin, ok):
    o = listing("O", "offer", quantity=oq, min_quantity=omin)
    r = listing("R", "request", pes="P2", price=2000, quantity=rq, min_quantity=rmin)
    assert bool(pairs(instance(o, r))) is ok
    pes = {p.id: p for p in PES}
    e = explain(o, r, pes["P1"], pes["P2"], GARAM, 1.3)
    assert e.compatible is ok
    assert e.least_quantity == max(omin or 1, rmin or 1)
    # FORMAT.md's compatibility (for reciprocal pairs) has no minimum.
    assert len(compatible_pairs(instance(o, r), moq=False)) == 1


def test_explain_names_the_akad_a_deal_proposes_or_why_none():
    pes = {p.id: p for p in PES}
    o = listing("O", "offer", akad=("tunai", "salam", "tempo"))
    r = listing("R", "request", pes="P2", price=2000, akad=("tempo", "salam"))
    assert explain(o, r, pes["P1"], pes["P2"], GARAM, 1.3).akad == "tempo"  # the buyer's first
    r = listing("R", "request", pes="P2", price=2000, akad=("istisna",))
    e = explain(o, r, pes["P1"], pes["P2"], GARAM, 1.3)
    assert (e.compatible, e.akad, e.reasons) == (False, None, ("no akad accepted by both",))


# explain() and the vectorised candidates are one rule --------------------------------------------

COMS = (Commodity("garam_krosok", "kg", 2.0, 3), Commodity("beras_medium", "kg", 40.0, 2))


@st.composite
def instances2(draw):
    n_pes = draw(st.integers(2, 4))
    coord = st.integers(0, 12).map(lambda k: k / 20)
    pesantren = tuple(
        Pesantren(f"P{k}", "35", -7.0 - draw(coord), 112.0 + draw(coord)) for k in range(n_pes)
    )
    ls = []
    for k in range(draw(st.integers(1, 12))):
        start = draw(st.integers(0, 20))
        place = draw(st.one_of(st.none(), st.tuples(coord, coord)))
        ls.append(
            Listing(
                id=f"L{k:02d}",
                side=draw(st.sampled_from(["offer", "request"])),
                pesantren=f"P{draw(st.integers(0, n_pes - 1))}",
                commodity=draw(st.sampled_from(["garam_krosok", "beras_medium"])),
                grade=draw(st.integers(1, 3)),
                quantity=draw(st.integers(1, 60)),
                price=draw(st.integers(10, 40)) * 100,
                window_start=day(start),
                window_end=day(start + draw(st.integers(0, 10))),
                max_distance_km=draw(st.one_of(st.none(), st.integers(5, 100).map(float))),
                akad=tuple(
                    draw(st.lists(st.sampled_from(AKAD_CODES), min_size=1, max_size=3, unique=True))
                ),
                lat=None if place is None else -7.0 - place[0],
                lon=None if place is None else 112.0 + place[1],
                min_quantity=draw(st.one_of(st.none(), st.integers(1, 50))),
            )
        )
    return Instance(1.3, COMS, pesantren, tuple(ls), format_version=2)


@settings(max_examples=examples(15, 150), deadline=None)
@given(instances2())
def test_explain_and_the_candidates_agree_on_every_pair(ins):
    pes = {p.id: p for p in ins.pesantren}
    com = {c.slug: c for c in ins.commodities}
    cand = compatible_pairs(ins)
    found = {
        (cand.offers[i].id, cand.requests[j].id): (s, d)
        for i, j, s, d in zip(
            cand.offer_idx.tolist(),
            cand.request_idx.tolist(),
            cand.surplus.tolist(),
            cand.distance.tolist(),
            strict=True,
        )
    }
    for o in ins.offers:
        for r in ins.requests:
            e = explain(o, r, pes[o.pesantren], pes[r.pesantren], com[o.commodity], 1.3)
            assert e.compatible is ((o.id, r.id) in found), e.reasons
            if e.compatible:
                assert (e.surplus_per_unit, e.distance_km) == found[o.id, r.id]


def test_suggestions_follow_the_same_rule_akad_place_and_minimum():
    from exchange.matching.suggest import suggest

    pes = {p.id: p for p in (SURABAYA, SUMENEP, SUBURB)}
    me = listing("R", "request", pes="PSBY", price=1100, max_distance_km=10.0, akad=("salam",))
    others = [
        listing(
            "O-stored", "offer", pes="PSMP", place=(SURABAYA.lat, SURABAYA.lon), akad=("salam",)
        ),
        listing("O-home", "offer", pes="PSMP", akad=("salam",)),  # at Sumenep: too far
        listing("O-akad", "offer", pes="PSB2", akad=("tunai",)),  # no shared akad
        listing("O-moq", "offer", pes="PSB2", akad=("salam",), min_quantity=500),  # above 100
        listing("O-near", "offer", pes="PSB2", akad=("tempo", "salam")),
    ]
    got = suggest(me, others, pes, GARAM, 1.3)
    assert [s.listing.id for s in got] == ["O-stored", "O-near"]
    assert got[0].explanation.distance_km == 0.0 and got[0].explanation.akad == "salam"
