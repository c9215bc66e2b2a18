import pytest
from sqlalchemy import select

from exchange.auth.models import User
from exchange.clock import today_wib
from exchange.deals import acceptance, facts, fulfilment, reciprocal, services
from exchange.deals.models import Deal, Rating
from exchange.deals.queries import reputation, waiting_for
from exchange.errors import Conflict, IllegalTransition, Invalid
from exchange.extensions import db
from exchange.listings.models import Listing, ListingStatus, Side
from tests.factories import confirm_salam, deal_terms, make_deal, make_listing, make_manager

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def _deal(deal_id):
    db.session.expire_all()
    return db.session.get(Deal, deal_id)


def _signed(quantity=100, akad="tunai", **kw):
    seller, buyer = make_manager(), make_manager(regency_code="3578")
    offer = make_listing(seller.pesantren, quantity=quantity, akad=["tunai", "tempo", "salam"])
    deal = make_deal(seller, buyer, offer=offer, terms=deal_terms(akad=akad, **kw))
    acceptance.accept(seller, deal.id, 1)
    confirm_salam(deal.id, seller)  # a salam seller confirms the price (issue 25)
    return seller, buyer, deal.id, offer.id


def test_the_whole_life_of_a_cash_deal(app):
    with app.app_context():
        seller, buyer, deal_id, _ = _signed()
        fulfilment.ship(seller, deal_id, "Truk berangkat")
        with pytest.raises(IllegalTransition):
            fulfilment.complete(seller, deal_id)
        with pytest.raises(Invalid) as unpaid:  # tunai: paid at the handover at the latest
            fulfilment.receive(buyer, deal_id, 100, 2, today_wib(), "Lengkap")
        assert "paling lambat saat penyerahan" in str(unpaid.value.message)
        fulfilment.receive(buyer, deal_id, 100, 2, today_wib(), "Lengkap", paid_now=150_000)
        deal = _deal(deal_id)
        assert deal.paid == 150_000 and deal.same_session_at is not None
        fulfilment.complete(seller, deal_id)
        assert _deal(deal_id).state == "completed"
        fulfilment.rate(buyer, deal_id, 5, "Amanah")
        fulfilment.rate(seller, deal_id, 4)
        with pytest.raises(Conflict):
            fulfilment.rate(seller, deal_id, 3)
        figures = reputation(seller.pesantren_id)
        assert figures.average_rating == 5 and figures.completed_deals == 1


def test_salam_is_paid_in_full_at_signing_and_takes_no_later_payment(app):
    with app.app_context():
        seller, buyer, deal_id, _ = _signed(akad="salam")
        deal = _deal(deal_id)
        assert deal.paid == 150_000  # recorded by the acceptance, dated the signing day
        assert deal.payments[0].paid_on == facts.contract_date(deal)
        assert [d.id for d in waiting_for(seller)] == [deal_id]
        with pytest.raises(Invalid) as later:
            fulfilment.record_payment(buyer, deal_id, 50_000, today_wib())
        assert "salam" in str(later.value.message)
        fulfilment.ship(seller, deal_id)
        assert _deal(deal_id).state == "shipped"


def test_only_the_right_side_makes_each_delivery_move(app):
    with app.app_context():
        seller, buyer, deal_id, _ = _signed()
        with pytest.raises(IllegalTransition):
            fulfilment.ship(buyer, deal_id)
        with pytest.raises(IllegalTransition):
            fulfilment.record_payment(seller, deal_id, 150_000, today_wib())
        fulfilment.ship(seller, deal_id)
        with pytest.raises(IllegalTransition):
            fulfilment.receive(seller, deal_id, 100, 2, today_wib(), paid_now=150_000)


def test_short_delivery_returns_the_rest_to_the_listing(app):
    with app.app_context():
        seller, buyer, deal_id, offer_id = _signed(quantity=300)
        fulfilment.ship(seller, deal_id)
        with pytest.raises(Invalid):
            fulfilment.receive(buyer, deal_id, 80, 2, today_wib(), paid_now=120_000)
        with pytest.raises(Invalid):  # 80 x 1500 is due at the handover, not 150000
            fulfilment.receive(
                buyer, deal_id, 80, 1, today_wib(), "Kurang 20", "returned", paid_now=150_000
            )
        fulfilment.receive(
            buyer, deal_id, 80, 1, today_wib(), "Kurang 20", "returned", paid_now=120_000
        )
        assert db.session.get(Listing, offer_id).remaining == 220
        deal = _deal(deal_id)
        assert deal.delivery.shortfall == 20 and deal.reserved_quantity == 80
        fulfilment.complete(seller, deal_id)


def test_cancelling_by_agreement_returns_the_quantity(app):
    with app.app_context():
        seller, buyer, deal_id, offer_id = _signed(quantity=100)
        assert db.session.get(Listing, offer_id).status == ListingStatus.FULFILLED
        fulfilment.request_cancel(buyer, deal_id, "Dana belum siap")
        with pytest.raises(IllegalTransition):
            fulfilment.agree_cancel(buyer, deal_id)
        assert [d.id for d in waiting_for(seller)] == [deal_id]
        fulfilment.agree_cancel(seller, deal_id)
        listing = db.session.get(Listing, offer_id)
        assert (listing.remaining, listing.status) == (100, ListingStatus.ACTIVE)
        assert _deal(deal_id).state == "cancelled"


def test_a_declined_cancellation_leaves_the_deal_going(app):
    with app.app_context():
        seller, buyer, deal_id, _ = _signed()
        fulfilment.request_cancel(seller, deal_id)
        fulfilment.decline_cancel(buyer, deal_id)
        deal = _deal(deal_id)
        assert (deal.state, deal.cancel_requested_by) == ("signed", None)


def test_a_dispute_needs_a_reason_and_returns_where_it_was(app):
    with app.app_context():
        seller, buyer, deal_id, _ = _signed()
        fulfilment.ship(seller, deal_id)
        with pytest.raises(Invalid):
            fulfilment.dispute(buyer, deal_id, " ")
        fulfilment.dispute(buyer, deal_id, "Barang belum datang")
        deal = _deal(deal_id)
        assert (deal.state, deal.dispute_reason) == ("disputed", "Barang belum datang")
        with pytest.raises(IllegalTransition):
            fulfilment.resolve(seller, deal_id)
        fulfilment.resolve(buyer, deal_id, "Sudah datang")
        assert _deal(deal_id).state == "shipped"


def test_rating_only_after_completion_and_in_range(app):
    with app.app_context():
        seller, buyer, deal_id, _ = _signed()
        with pytest.raises(IllegalTransition):
            fulfilment.rate(buyer, deal_id, 5)
        assert db.session.scalar(select(Rating.id)) is None


def test_reciprocal_bundle_settles_the_net_amount(app):
    with app.app_context():
        a, b = make_manager(), make_manager(regency_code="3578")
        salt = make_deal(a, b, terms=deal_terms(quantity=100, unit_price=1500))  # b owes 150000
        rice_offer = make_listing(b.pesantren, slug="beras", price=12000)
        rice = services.open_negotiation(
            a, rice_offer.id, terms=deal_terms(quantity=10, unit_price=12000)
        )  # a owes 120000
        bundle = reciprocal.tie_bundle(a, salt.id, rice.id)
        s = reciprocal.settlement(bundle)
        assert (s.debtor_id, s.creditor_id, s.net) == (b.pesantren_id, a.pesantren_id, 30_000)
        with pytest.raises(Conflict):
            reciprocal.tie_bundle(b, rice.id, salt.id)
        same_way = make_deal(a, b)
        other = make_deal(a, b)
        with pytest.raises(Invalid):
            reciprocal.tie_bundle(a, same_way.id, other.id)


def test_salam_buyer_cannot_relist_before_receiving(app):
    from exchange.deals.queries import salam_blocks_relisting

    with app.app_context():
        seller, buyer, deal_id, _ = _signed(akad="salam")
        commodity_id = _deal(deal_id).commodity_id
        assert salam_blocks_relisting(buyer.pesantren_id, commodity_id)
        assert not salam_blocks_relisting(seller.pesantren_id, commodity_id)
        fulfilment.ship(seller, deal_id)
        fulfilment.receive(buyer, deal_id, 100, 2, today_wib())
        assert not salam_blocks_relisting(buyer.pesantren_id, commodity_id)


def test_waiting_for_lists_the_deals_that_wait_on_me(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        deal = make_deal(seller, buyer)
        assert [d.id for d in waiting_for(seller)] == [deal.id]
        assert waiting_for(buyer) == []
        assert waiting_for(db.session.scalar(select(User).where(User.role == "staff"))) == []
        request = make_listing(buyer.pesantren, side=Side.REQUEST)
        assert request.side == "request"
