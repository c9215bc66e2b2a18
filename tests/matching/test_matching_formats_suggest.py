"""File formats round trip; suggestions and explanations for the web app."""

from __future__ import annotations

import json

import pytest
from matching_helpers import GARAM, PES, instance, listing

from exchange.matching.explain import explain
from exchange.matching.formats import (
    FormatError,
    dumps_result,
    instance_from_dict,
    instance_to_dict,
    result_from_dict,
)
from exchange.matching.model import Deal, Result
from exchange.matching.suggest import suggest


def test_instance_round_trips():
    ins = instance(
        listing("O", "offer", max_distance_km=None),
        listing("R", "request", pes="P2", max_distance_km=120.0),
    )
    assert instance_from_dict(json.loads(json.dumps(instance_to_dict(ins)))) == ins


def test_result_json_is_sorted_and_stable():
    a = Result((Deal("L2", "L9", 5, 100), Deal("L1", "L3", 2, 90)), (("P3", "P1"), ("P1", "P2")))
    b = Result((Deal("L1", "L3", 2, 90), Deal("L2", "L9", 5, 100)), (("P1", "P2"), ("P1", "P3")))
    text = dumps_result(a)
    assert text == dumps_result(b)
    doc = json.loads(text)
    assert doc["format"] == "pesantren-exchange-result/1"
    assert [d["offer"] for d in doc["deals"]] == ["L1", "L2"]
    assert doc["reciprocal_pairs"] == [["P1", "P2"], ["P1", "P3"]]
    assert result_from_dict(doc).deals == tuple(sorted(a.deals))


@pytest.mark.parametrize("version", [1, 2])
def test_result_lines_are_json_dumps_of_each_item(version):
    """The fast line writer gives json.dumps' bytes, escapes and all."""
    deals = (
        Deal('L"1', "L\u00e9\n", 7, 10**20, "tunai" if version == 2 else None),
        Deal("L2", "L\\9", 1, -3, "salam" if version == 2 else None),
    )
    pairs = (("P\u20ac", "P\t2"), ("P1", "P3"))
    text = dumps_result(Result(deals, pairs, format_version=version))
    dump = lambda x: json.dumps(x, ensure_ascii=True, separators=(", ", ": "))  # noqa: E731
    doc = json.loads(text)
    lines = text.splitlines()
    items = doc["deals"] + doc["reciprocal_pairs"]
    assert [line.strip().rstrip(",") for line in lines if line.startswith("    ")] == [
        dump(x) for x in items
    ]
    assert doc["deals"][0]["price"] == 10**20


def test_empty_result_is_valid_json():
    assert json.loads(dumps_result(Result())) == {
        "format": "pesantren-exchange-result/1",
        "deals": [],
        "reciprocal_pairs": [],
    }


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda d: d["listings"][0].update(quantity=0), "positive"),
        (lambda d: d["listings"][0].update(side="barter"), "side"),
        (lambda d: d["listings"][0].update(pesantren="PX"), "unknown pesantren"),
        (lambda d: d["listings"][0].update(window=["2027-02-01", "2027-01-01"]), "window"),
        (lambda d: d["listings"][0].update(commodity="emas"), "unknown commodity"),
    ],
)
def test_bad_instances_are_refused_with_a_reason(change, words):
    d = instance_to_dict(instance(listing("O", "offer")))
    change(d)
    with pytest.raises(FormatError, match=words):
        instance_from_dict(d)


def test_suggestions_rank_by_surplus_then_id_and_skip_incompatible():
    me = listing("R", "request", pes="P2", price=2000, grade=2)
    others = [
        listing("O-far", "offer", pes="P1", price=1000, grade=2),  # 144.5 km
        listing("O-near", "offer", pes="P3", price=1000, grade=2),  # 72.3 km
        listing("O-near2", "offer", pes="P3", price=1000, grade=3),  # same surplus: by id
        listing("O-grade", "offer", pes="P3", price=500, grade=1),  # grade too low
        listing("O-mine", "offer", pes="P2", price=500, grade=2),  # my own pesantren
        listing("R-other", "request", pes="P1", price=9000, grade=2),  # not a counterpart
    ]
    got = suggest(me, others, {p.id: p for p in PES}, GARAM, 1.3)
    assert [s.listing.id for s in got] == ["O-near", "O-near2", "O-far"]
    e = got[0].explanation
    assert (e.offer, e.request, e.price_gap, e.offer_grade, e.request_grade) == (
        "O-near",
        "R",
        1000,
        2,
        2,
    )
    assert e.surplus_per_unit == pytest.approx(1000 - e.transport_cost_per_unit)
    assert e.distance_km == pytest.approx(72.27, abs=0.01)
    assert (
        suggest(me, others, {p.id: p for p in PES}, GARAM, 1.3, limit=1)[0].listing.id == "O-near"
    )


def test_suggestions_for_an_offer_are_requests():
    me = listing("O", "offer", pes="P1", price=1000)
    others = [
        listing("R1", "request", pes="P2", price=1500),
        listing("R2", "request", pes="P3", price=1500),
        listing("R3", "request", pes="P3", price=1500, max_distance_km=50),
    ]
    got = suggest(me, others, {p.id: p for p in PES}, GARAM, 1.3)
    assert [s.listing.id for s in got] == ["R2", "R1"]


def test_explain_says_why_a_pair_does_not_fit():
    pes = {p.id: p for p in PES}
    o = listing("O", "offer", pes="P1", grade=1, window=(0, 5), price=1000)
    r = listing("R", "request", pes="P2", grade=2, window=(6, 9), price=1100, max_distance_km=50)
    e = explain(o, r, pes["P1"], pes["P2"], GARAM, 1.3)
    assert not e.compatible
    assert e.window_overlap is None
    assert len(e.reasons) == 4  # grade, window, distance, price
    ok = explain(
        listing("O", "offer"),
        listing("R", "request", pes="P2", price=2000, window=(10, 20)),
        pes["P1"],
        pes["P2"],
        GARAM,
        1.3,
    )
    assert ok.compatible and ok.reasons == () and ok.window_overlap[0] == ok.window_overlap[1]
