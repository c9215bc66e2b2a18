"""Format 2 in the app: the clearing run, suggestions, the dashboard and reciprocal partners see
each listing's own place, its akad (in order) and its minimum quantity per deal."""

from __future__ import annotations

import re

from sqlalchemy import select

from exchange.clock import today_wib
from exchange.deals import acceptance, checks
from exchange.deals import services as deal_services
from exchange.extensions import db
from exchange.listings.models import Side
from exchange.matching import queries, services
from exchange.matching.models import Proposal
from tests.factories import make_listing, make_manager

SURABAYA = (-7.2575, 112.7521)
BATU = (-7.8672, 112.5239)


def proposals():
    return list(db.session.scalars(select(Proposal).order_by(Proposal.id)))


def test_a_sumenep_offer_stored_in_surabaya_is_proposed_next_door(app):
    with app.app_context():
        seller = make_manager("3529").pesantren  # Sumenep, about 170 road-km away
        buyer = make_manager("3578").pesantren  # Surabaya
        stored = make_listing(seller, price=1200, lat=SURABAYA[0] + 0.01, lon=SURABAYA[1])
        make_listing(seller, price=1200)  # the same salt at the pesantren: too far
        make_listing(buyer, side=Side.REQUEST, quantity=500, price=1600, max_distance_km=40.0)
        services.run_clearing()
        (p,) = proposals()
        assert p.offer_id == stored.id and p.distance_km < 5


def test_an_offer_stored_far_away_is_not_proposed_at_zero_km(app):
    with app.app_context():
        seller = make_manager("3578").pesantren  # Surabaya
        buyer = make_manager("3578").pesantren  # Surabaya as well
        make_listing(seller, price=1200, lat=BATU[0], lon=BATU[1])  # kept in Batu
        make_listing(buyer, side=Side.REQUEST, quantity=500, price=2000, max_distance_km=40.0)
        services.run_clearing()
        assert proposals() == []


def test_each_proposal_has_a_common_akad_the_buyers_first_choice(app):
    with app.app_context():
        seller = make_manager("3529").pesantren
        buyer = make_manager("3528").pesantren
        make_listing(seller, price=1200, akad=["salam"])  # no akad in common
        make_listing(seller, price=1250, akad=["tempo", "murabahah"])
        make_listing(buyer, side=Side.REQUEST, price=2000, akad=["tunai", "tempo", "murabahah"])
        services.run_clearing()
        (p,) = proposals()
        assert p.akad == "tempo"


def test_no_deal_under_a_minimum_and_none_for_a_listing_below_its_own(app):
    with app.app_context():
        seller = make_manager("3529").pesantren
        b1, b2 = make_manager("3528").pesantren, make_manager("3526").pesantren
        make_listing(seller, quantity=1000, price=1200, min_quantity=300)
        small = make_listing(b1, side=Side.REQUEST, quantity=200, price=2000)  # below 300
        big = make_listing(b2, side=Side.REQUEST, quantity=400, price=1900)
        # Half of this offer is committed elsewhere: 150 remain, below its own minimum of 200.
        make_listing(seller, quantity=300, remaining=150, price=1000, min_quantity=200)
        services.run_clearing()
        got = proposals()
        assert [(p.request_id, p.quantity) for p in got] == [(big.id, 400)]
        assert small.id not in {p.request_id for p in got}


def test_suggestions_show_the_fair_price_and_akad_by_the_listings_places(app, client, auth):
    with app.app_context():
        seller = make_manager("3529")
        buyer_manager = make_manager("3578")
        buyer = buyer_manager.pesantren
        offer = make_listing(
            seller.pesantren, price=1200, akad=["tempo"], lat=SURABAYA[0], lon=SURABAYA[1] + 0.02
        )
        far = make_listing(seller.pesantren, price=1100, akad=["tempo"])  # at Sumenep
        request = make_listing(
            buyer, side=Side.REQUEST, price=1600, max_distance_km=40.0, akad=["tunai", "tempo"]
        )
        found = queries.suggestions_for(request.id, None, today_wib())
        assert [s.listing_id for s in found.rows] == [offer.id]  # not the one in Sumenep
        (s,) = found.rows
        assert s.akad == "tempo" and s.explanation.distance_km < 5
        quote = queries.pair_quote(offer, request, today_wib())
        assert (quote.fair_price, quote.akad) == (s.fair_price, s.akad)
        assert not queries.pair_quote(far, request, today_wib()).compatible
        email, request_id = buyer_manager.email, request.id
    auth.login(email)  # the request's owner (the page is the owner's)
    page = client.get(f"/pasar/{request_id}/saran").text
    assert "Jual Beli Tempo" in page and "pilihan pertama pembeli yang diterima penjual" in page


def test_the_dashboard_card_states_the_akad_and_its_rule(app, client, auth):
    with app.app_context():
        seller = make_manager("3529")
        buyer = make_manager("3528").pesantren
        make_listing(seller.pesantren, price=1200, akad=["tunai", "murabahah"])
        make_listing(buyer, side=Side.REQUEST, price=2000, akad=["murabahah"])
        services.run_clearing()
        email = seller.email
    auth.login(email)
    card = re.search(
        r'<div class="card proposal".*?</div>\s*</div>', client.get("/dasbor").text, re.S
    )
    assert card is not None
    assert "Akad Murabahah" in card.group(0)
    assert "(pilihan pertama pembeli yang diterima penjual)" in card.group(0)


def test_reciprocal_partners_measure_between_listing_places(app):
    with app.app_context():
        a = make_manager("3529").pesantren  # Sumenep
        b = make_manager("3578").pesantren  # Surabaya
        # Salt from Sumenep, kept in Surabaya and at the pesantren; sugar from Surabaya.
        make_listing(a, price=1200, lat=SURABAYA[0], lon=SURABAYA[1] + 0.01)
        make_listing(a, price=1100)  # also compatible, 170 road-km away
        make_listing(b, side=Side.REQUEST, price=2500)
        make_listing(b, slug="gula_pasir", price=16000)
        make_listing(
            a,
            side=Side.REQUEST,
            slug="gula_pasir",
            price=18000,
            max_distance_km=40.0,
            lat=SURABAYA[0] - 0.01,
            lon=SURABAYA[1],
        )
        services.run_clearing()
        (partner,) = queries.reciprocal_partners(a.id)
        assert partner.pesantren_id == b.id and partner.distance_km < 5  # its nearest pair


def test_no_proposal_resells_salam_goods_before_they_are_received(app):
    with app.app_context():
        farmer, trader, buyer = (make_manager(c) for c in ("3529", "3528", "3526"))
        harvest = make_listing(farmer.pesantren, price=1000, akad=["salam"])
        # The trader buys salt by salam (not yet delivered) and also offers salt.
        terms = checks.default_terms(harvest)
        assert terms.akad == "salam"
        deal = deal_services.open_negotiation(trader, harvest.id, terms=terms)
        acceptance.accept(farmer, deal.id, deal.terms_version)
        make_listing(trader.pesantren, price=1200, akad=["tunai"])
        request = make_listing(buyer.pesantren, side=Side.REQUEST, price=2500, akad=["tunai"])
        services.run_clearing()
        assert [(p.seller_pesantren_id, p.request_id) for p in proposals()] == []
        assert queries.suggestions_for(request.id, None, today_wib()).rows == []


def test_a_seller_of_a_commodity_is_not_proposed_a_salam_purchase_of_it(app):
    with app.app_context():
        a, b, c = (make_manager(x).pesantren for x in ("3529", "3528", "3526"))
        make_listing(a, price=1000, akad=["tunai", "salam"])
        make_listing(b, price=1100, akad=["tunai"])  # b sells salt too ...
        make_listing(b, side=Side.REQUEST, price=2000, akad=["tunai", "salam"], quantity=300)
        make_listing(c, side=Side.REQUEST, price=2000, akad=["salam"], quantity=300)
        services.run_clearing()
        got = {(p.buyer_pesantren_id, p.akad) for p in proposals()}
        assert (b.id, "salam") not in got  # ... so it buys for cash, not by salam
        assert (c.id, "salam") in got
