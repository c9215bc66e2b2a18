"""Issue 30's done-when: three 1.000 kg requests meet a 2.500 kg minimum only as a pool; the
clearing run proposes the pool, three contracts are signed (each by its own member) and handed
over through one hub shipment, each member signing the BAST of its own deal."""

import pytest
from sqlalchemy import select

from exchange.clock import today_wib
from exchange.deals import acceptance, fulfilment
from exchange.deals.models import Contract, Deal
from exchange.errors import NotFound
from exchange.extensions import db
from exchange.listings.models import ListingStatus, Side
from exchange.matching import services as matching
from exchange.matching.models import Proposal
from exchange.pools import queries, services
from exchange.pools.policy import PoolState
from tests.factories import make_listing
from tests.pools.helpers import kitchens, pool_input, seller_offer

pytestmark = pytest.mark.clocks


def test_alone_the_three_kitchens_are_below_the_minimum(app):
    with app.app_context():
        _seller, offer = seller_offer()
        for k in kitchens():
            make_listing(
                k.pesantren,
                side=Side.REQUEST,
                slug="beras",
                quantity=1000,
                price=13000,
                grade=2,
                start=offer.window_start,
            )
        run = matching.run_clearing()
        assert run.proposals_count == 0


def test_a_pool_of_three_is_proposed_signed_and_handed_over_at_the_hub(app):
    with app.app_context():
        seller, offer = seller_offer()
        a, b, c = kitchens()
        pool = services.open_pool(a, pool_input())
        services.join_pool(b, pool.id, 1000)
        services.join_pool(c, pool.id, 1000)
        db.session.refresh(pool)
        assert pool.total == 3000 and pool.listing_id is not None

        matching.run_clearing()
        proposal = db.session.scalars(select(Proposal)).one()
        assert (proposal.offer_id, proposal.request_id) == (offer.id, pool.listing_id)
        assert proposal.quantity == 3000  # the minimum applied to the pool's total

        deal_ids = services.agree(seller, pool.id, offer.id, proposal.id)
        assert len(deal_ids) == 3
        db.session.refresh(pool)
        assert pool.state == PoolState.MATCHED
        assert pool.listing.status == ListingStatus.FULFILLED  # off the market
        deals = [db.session.get(Deal, i) for i in deal_ids]
        assert {d.buyer_pesantren_id for d in deals} == {x.pesantren_id for x in (a, b, c)}
        assert {d.current_terms.quantity for d in deals} == {1000}
        assert {d.current_terms.unit_price for d in deals} == {pool.unit_price}
        assert {d.current_terms.handover_place for d in deals} == {pool.hub_address}

        by_buyer = {d.buyer_pesantren_id: d for d in deals}
        # The coordinator cannot sign for another member.
        with pytest.raises(NotFound):
            acceptance.accept(a, by_buyer[b.pesantren_id].id, 1)
        for member in (a, b, c):
            acceptance.accept(member, by_buyer[member.pesantren_id].id, 1)
        assert db.session.scalar(select(db.func.count(Contract.id))) == 3
        db.session.refresh(offer)
        assert offer.remaining == 0

        assert sorted(services.ship_to_hub(seller, pool.id)) == sorted(deal_ids)
        for member in (a, b, c):
            deal = by_buyer[member.pesantren_id]
            fulfilment.receive(
                member, deal.id, 1000, None, today_wib(), paid_now=deal.current_terms.total
            )
        shares = queries.handover_list(pool)
        assert [s.quantity for s in shares] == [1000, 1000, 1000]
        assert all(s.deal_state == "received" and s.delivery_id for s in shares)
        assert len({s.delivery_id for s in shares}) == 3  # each member its own BAST


def test_the_pools_request_is_not_negotiated_as_one_deal(app):
    from exchange.deals.services import open_negotiation
    from exchange.errors import Invalid

    with app.app_context():
        seller, offer = seller_offer()
        (a,) = kitchens(1)
        pool = services.open_pool(a, pool_input())
        with pytest.raises(Invalid, match="patungan"):
            open_negotiation(seller, pool.listing_id, counter_listing_id=offer.id)


def test_a_member_cannot_be_the_seller_and_a_short_pool_misses_the_minimum(app):
    from exchange.deals.checks import TermsRefused
    from exchange.errors import Invalid

    with app.app_context():
        seller, offer = seller_offer()
        a, b = kitchens(2)
        pool = services.open_pool(a, pool_input())
        services.join_pool(b, pool.id, 1000)
        with pytest.raises(TermsRefused, match="minimal"):
            services.agree(seller, pool.id, offer.id)  # 2.000 kg < 2.500 kg
        db.session.rollback()
        own = make_listing(b.pesantren, slug="beras", quantity=3000, price=9000, grade=3)
        with pytest.raises(Invalid, match="Anggota"):
            services.agree(b, pool.id, own.id)
