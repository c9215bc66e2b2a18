"""The dashboard's figures against hand-computed ones on the fixed data set (dataset.py)."""

from dataclasses import replace
from datetime import date

import pytest

from exchange.dashboard import price_queries, queries
from exchange.dashboard.flows import reciprocal_pairs, regency_matrix
from exchange.extensions import db
from exchange.matching.models import MatchRun, Proposal
from exchange.pesantren.models import Pesantren
from tests.dashboard import dataset
from tests.dashboard.factories import at
from tests.factories import commodity, make_listing

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS

F, TODAY = dataset.JANUARY, dataset.TODAY


def test_figures_for_january(app):
    with app.app_context():
        dataset.load()
        fig = queries.figures(F, TODAY)
    assert fig.active_pesantren == 4  # A, B, C, D; E did nothing
    assert (fig.open_offers, fig.open_offer_quantity, fig.open_offer_value) == (
        2, 2000 + 600, 2000 * 1400 + 600 * 12500
    )  # fmt: skip
    assert (fig.open_requests, fig.open_request_quantity, fig.open_request_value) == (
        2, 1000 + 500, 1000 * 1800 + 500 * 13500
    )  # fmt: skip
    # Signed in January, not cancelled: contracts 1, 2, 3 and 5.
    assert (fig.signed, fig.signed_volume, fig.signed_value) == (4, 3400, 6_510_000)
    assert (fig.delivered, fig.delivered_volume, fig.delivered_value) == (2, 3000, 4_700_000)
    assert (fig.completed, fig.completed_volume, fig.completed_value) == (1, 1000, 1_500_000)
    assert fig.cancelled == 1
    # Requests posted in January: 4000 salt (3000 contracted) + 500 rice (only cancelled).
    assert (fig.requested_quantity, fig.matched_quantity) == (4500, 3000)
    assert round(fig.match_rate, 4) == 0.6667
    # Posted (the later listing, 2 Jan) to signed: 48 h and 72 h.
    assert fig.median_hours_to_contract == 60.0
    assert (fig.disputes_raised, fig.disputes_open) == (1, 1)
    assert (fig.proposals_made, fig.proposals_acted) == (0, 0)  # no clearing run in the set


def add_proposal(run, offer_id, request_id, seller, buyer, day, status):
    db.session.add(
        Proposal(
            run_id=run.id,
            offer_id=offer_id,
            request_id=request_id,
            seller_pesantren_id=seller,
            buyer_pesantren_id=buyer,
            commodity_id=commodity("garam_krosok").id,
            quantity=100,
            price=1500,
            surplus_per_unit=100.0,
            distance_km=10.0,
            transport_cost_per_unit=20.0,
            status=status,
            created_at=at(day),
        )
    )


def test_proposals_made_and_acted_on_count_each_pair_once(app):
    with app.app_context():
        ids = dataset.load()
        e_request = make_listing(
            db.session.get(Pesantren, ids["e"]), "request", "garam_krosok", price=1900
        )
        run = MatchRun()
        db.session.add(run)
        db.session.flush()
        a, b, e = ids["a"], ids["b"], ids["e"]
        add_proposal(run, ids["o1"], ids["r1"], a, b, date(2027, 1, 10), "superseded")
        add_proposal(run, ids["o1"], ids["r1"], a, b, date(2027, 1, 11), "acted")  # same pair
        add_proposal(run, ids["o1"], e_request.id, a, e, date(2027, 1, 11), "proposed")
        add_proposal(run, ids["o1"], e_request.id, a, e, date(2026, 12, 30), "superseded")
        db.session.commit()
        fig = queries.figures(F, TODAY)
        rice = queries.figures(replace(F, commodity_id=commodity("beras").id), TODAY)
        malang = queries.figures(replace(F, regency_code="3507"), TODAY)
    assert (fig.proposals_made, fig.proposals_acted) == (2, 1)
    assert (rice.proposals_made, rice.proposals_acted) == (0, 0)
    assert (malang.proposals_made, malang.proposals_acted) == (1, 0)


def test_figures_filtered_by_commodity_and_by_regency(app):
    with app.app_context():
        dataset.load()
        salt = queries.figures(replace(F, commodity_id=commodity("garam_krosok").id), TODAY)
        surabaya = queries.figures(replace(F, regency_code="3578"), TODAY)
    assert (salt.signed, salt.signed_volume, salt.signed_value) == (3, 3300, 5_210_000)
    assert (salt.requested_quantity, salt.matched_quantity) == (4000, 3000)
    assert salt.open_offers == 1 and salt.open_requests == 1
    assert surabaya.active_pesantren == 1  # only B is in Surabaya
    assert (surabaya.signed, surabaya.signed_value) == (3, 6_000_000)
    assert surabaya.disputes_raised == 0


def test_edges_flows_and_reciprocity(app):
    with app.app_context():
        ids = dataset.load()
        edges = queries.edges(F)
        assert queries.reciprocal_pairs(F) == 1  # A and B sold to each other
    by_pair = {(x.seller_id, x.buyer_id): (x.value, x.volume, x.contracts) for x in edges}
    assert by_pair == {
        (ids["a"], ids["b"]): (4_700_000, 3000, 2),
        (ids["b"], ids["a"]): (1_300_000, 100, 1),
        (ids["d"], ids["c"]): (510_000, 300, 1),
    }
    assert reciprocal_pairs(edges) == 1
    matrix = [(f.origin, f.destination, f.value) for f in regency_matrix(edges)]
    assert matrix == [
        ("3529", "3578", 4_700_000),
        ("3578", "3529", 1_300_000),
        ("3529", "3502", 510_000),
    ]


def test_weekly_median_prices(app):
    with app.app_context():
        dataset.load()
        rows = price_queries.prices(replace(F, commodity_id=commodity("garam_krosok").id))
    assert [r[3:] for r in rows] == [
        ("2026-12-28", 1400, 1800, None, 1500),  # posted Fri 1 and Sat 2 January
        ("2027-01-04", None, None, 1550, 1500),  # contracts at 1500 and 1600
        ("2027-01-11", 1700, None, None, 1500),  # D's offer, posted Sun 17 January
        ("2027-01-18", None, None, 1700, 1500),  # and its contract
    ]


def test_by_commodity(app):
    with app.app_context():
        dataset.load()
        rows = queries.by_commodity(F)
    assert [(r[0], r[3], r[4], r[5]) for r in rows] == [
        ("garam_krosok", 3, 3300, 5_210_000),
        ("beras", 1, 100, 1_300_000),
    ]
