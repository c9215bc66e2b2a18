"""The pure adapter: proposal rows match the engine, excluded pairs stay out."""

from __future__ import annotations

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
