"""The pure adapter: proposal rows match the engine, excluded pairs stay out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from matching_helpers import instance, listing

from exchange.matching import adapter, compatible_pairs, solve


def sample():
    return instance(
        listing("o1", "offer", "P1", quantity=100, price=1000),
        listing("o2", "offer", "P3", quantity=50, price=1100),
        listing("r1", "request", "P2", quantity=80, price=1600),
        listing("r2", "request", "P3", quantity=90, price=1500),
    )


def test_proposals_are_the_engines_deals():
    inst = numeric(sample())
    rows, welfare = adapter.proposals(compatible_pairs(inst))
    result = solve(inst)
    assert rows
    assert [(r.offer_id, r.request_id, r.quantity, r.price) for r in rows] == [
        (int(d.offer), int(d.request), d.quantity, d.price) for d in result.deals
    ]
    assert welfare == result.stats["welfare"]


def numeric(inst):
    """The sample with numeric ids, as the database gives them."""
    from dataclasses import replace

    ids = {"P1": "1", "P2": "2", "P3": "3"}
    pes = tuple(replace(p, id=ids[p.id]) for p in inst.pesantren)
    ls = tuple(
        replace(l, id=str(10 + k), pesantren=ids[l.pesantren]) for k, l in enumerate(inst.listings)
    )
    return replace(inst, pesantren=pes, listings=ls)


def test_numeric_ids_round_trip_and_respect_quantities():
    inst = numeric(sample())
    rows, _ = adapter.proposals(compatible_pairs(inst))
    assert rows, "the sample has profitable pairs"
    qty = {int(l.id): l.quantity for l in inst.listings}
    for r in rows:
        assert r.seller_pesantren_id != r.buyer_pesantren_id
        assert r.surplus_per_unit >= 0 and r.distance_km > 0
    for lid in qty:
        used = sum(r.quantity for r in rows if lid in (r.offer_id, r.request_id))
        assert used <= qty[lid]


def pair_ids(cand):
    pos = zip(cand.offer_idx.tolist(), cand.request_idx.tolist(), strict=True)
    return {(cand.offers[i].id, cand.requests[j].id) for i, j in pos}


def test_without_pairs_drops_exactly_the_excluded_pair():
    inst = numeric(sample())
    cand = compatible_pairs(inst)
    pairs = pair_ids(cand)
    drop = sorted(pairs)[0]
    less = adapter.without_pairs(cand, [drop, ("999", "998")])
    assert pair_ids(less) == pairs - {drop}
    rows, _ = adapter.proposals(less)
    assert (int(drop[0]), int(drop[1])) not in {(r.offer_id, r.request_id) for r in rows}


def test_fair_price_is_the_engines_split():
    inst = numeric(sample())
    cand = compatible_pairs(inst)
    rows, _ = adapter.proposals(cand)
    by_id = {int(l.id): l for l in inst.listings}
    for r in rows:
        assert r.price == adapter.fair_price(
            by_id[r.offer_id].price,
            by_id[r.request_id].price,
            r.surplus_per_unit,
            r.transport_cost_per_unit,
        )


# Format 2: what the adapter passes from a database row ------------------------------------------

TODAY = date(2027, 1, 4)


def row(lid=1, side="offer", pid=1, remaining=500, akad=("tunai", "tempo"), moq=None, **kw):
    """A listing row in adapter.ROW_FIELDS order."""
    return (
        lid, side, pid, "garam_krosok", 2, remaining, 1500,
        kw.get("start", TODAY), kw.get("end", TODAY + timedelta(days=30)), kw.get("maxd"),
        list(akad), kw.get("lat", -7.2), kw.get("lon", 112.7), moq,
    )  # fmt: skip


def test_a_listing_keeps_its_akad_order_less_what_the_commodity_refuses():
    l = adapter.listing(row(akad=("tempo", "istisna", "tunai")), ("tunai", "tempo", "salam"))
    assert l.akad == ("tempo", "tunai")


def test_a_listing_carries_its_own_place_and_minimum():
    l = adapter.listing(row(lat=-7.25, lon=112.75, moq=200))
    assert (l.lat, l.lon, l.min_quantity) == (-7.25, 112.75, 200)


def test_a_window_starts_at_the_first_possible_handover():
    l = adapter.listing(row(start=TODAY), earliest=TODAY + timedelta(days=1))
    assert l.window_start == TODAY + timedelta(days=1)
    later = adapter.listing(row(start=TODAY + timedelta(days=9)), earliest=TODAY)
    assert later.window_start == TODAY + timedelta(days=9)


def test_listings_that_can_take_part_in_no_deal_stay_out_of_the_instance():
    rows = [
        row(1),
        row(2, remaining=150, moq=200),  # what remains fell below its own minimum
        row(3, akad=("istisna",)),  # no akad the commodity allows
        row(4, end=TODAY),  # its window is over before tomorrow
        row(5, remaining=200, moq=200),  # exactly its minimum: still in
    ]
    inst = adapter.build_instance(
        1.3,
        [adapter.commodity("garam_krosok", "kg", 2.0, ["K1", "K2", "K3"])],
        [adapter.pesantren(1, "3529", -7.0, 113.8)],
        rows,
        allowed_akad={"garam_krosok": ("tunai", "tempo", "salam", "murabahah")},
        earliest=TODAY + timedelta(days=1),
    )
    assert [l.id for l in inst.listings] == ["1", "5"]


def test_each_proposal_carries_the_buyers_first_akad_the_seller_accepts():
    inst = numeric(sample())
    inst = replace(
        inst,
        listings=tuple(
            replace(l, akad=("tempo", "murabahah") if l.side == "offer" else ("murabahah", "tempo"))
            for l in inst.listings
        ),
    )
    rows, _ = adapter.proposals(compatible_pairs(inst))
    assert rows and {r.akad for r in rows} == {"murabahah"}


def test_salam_goods_are_not_resold_before_they_are_received():
    offer = adapter.listing(row(1, pid=7))
    request = adapter.listing(row(2, side="request", pid=7, akad=("tunai", "salam")))
    other = adapter.listing(row(3, side="request", pid=8, akad=("salam",)))
    kept = adapter.without_salam_resale([offer, request, other], {("7", "garam_krosok")})
    # Pesantren 7 sells salt: buying salt by salam would stop that sale.
    assert [(l.id, l.akad) for l in kept] == [("1", ("tunai", "tempo")), ("2", ("tunai",)),
                                               ("3", ("salam",))]  # fmt: skip
    blocked = adapter.without_salam_resale([offer, other], set(), {("7", "garam_krosok")})
    assert [l.id for l in blocked] == ["3"]  # 7 bought salt by salam, not yet received
