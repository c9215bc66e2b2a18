"""Issue 11: each case that was accepted and breaks a sharia contract rule (DOMAIN.md 7) is now
refused with a clear reason, through the services every page and the API call."""

from datetime import date, timedelta

import pytest
from sqlalchemy import update

from exchange.clock import today_wib
from exchange.deals import acceptance, checks, facts, fulfilment, reciprocal, services
from exchange.deals.models import Deal, TermsVersion
from exchange.errors import IllegalTransition, Invalid
from exchange.extensions import db
from exchange.listings.models import Listing, Side
from tests.factories import confirm_salam, deal_terms, make_deal, make_listing, make_manager

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def _deal(deal_id):
    db.session.expire_all()
    return db.session.get(Deal, deal_id)


def _signed(akad="tunai", quantity=100, seller=None, buyer=None, **kw):
    seller, buyer = seller or make_manager(), buyer or make_manager(regency_code="3578")
    offer = make_listing(seller.pesantren, quantity=1000, akad=["tunai", "tempo", "salam"])
    deal = make_deal(
        seller, buyer, offer=offer, terms=deal_terms(akad=akad, quantity=quantity, **kw)
    )
    acceptance.accept(seller, deal.id, 1)
    confirm_salam(deal.id, seller)  # a salam seller confirms the price (issue 25)
    return seller, buyer, deal.id


def _due_today(deal_id):
    """Arrange that the agreed handover date has come (the contract was signed before)."""
    db.session.execute(
        update(TermsVersion)
        .where(TermsVersion.deal_id == deal_id)
        .values(handover_date=today_wib())
    )
    signed = db.session.get(Deal, deal_id).signed_at - timedelta(days=30)
    db.session.execute(update(Deal).where(Deal.id == deal_id).values(signed_at=signed))
    db.session.commit()


# Salam ------------------------------------------------------------------------------------------


def test_salam_is_never_signed_with_nothing_paid(app):
    with app.app_context():
        _seller, buyer, deal_id = _signed(akad="salam")
        deal = _deal(deal_id)
        assert deal.paid == deal.current_terms.total == 150_000
        with pytest.raises(Invalid):  # "full payment recorded 59 days later"
            fulfilment.record_payment(buyer, deal_id, 150_000, today_wib() + timedelta(days=59))
        assert _deal(deal_id).paid == 150_000


def test_salam_buyer_may_not_answer_a_request_for_the_goods(app):
    with app.app_context():
        _seller, buyer, _ = _signed(akad="salam")
        third = make_manager(regency_code="3509")
        request = make_listing(third.pesantren, side=Side.REQUEST, grade=1)
        with pytest.raises(Invalid) as refused:
            services.open_negotiation(buyer, request.id, terms=deal_terms())
        assert "akad salam dan belum diterima" in str(refused.value.message)


def test_an_offer_posted_before_the_salam_deal_stops_being_sellable(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        old_offer = make_listing(buyer.pesantren, quantity=500)
        third = make_manager(regency_code="3509")
        open_before = make_deal(buyer, third, offer=old_offer)  # waits on the salam buyer
        _signed(akad="salam", seller=seller, buyer=buyer)
        with pytest.raises(Invalid):  # a new negotiation on the old offer
            make_deal(buyer, make_manager(regency_code="3510"), offer=old_offer)
        with pytest.raises(Invalid) as refused:  # accepting the one opened before
            acceptance.accept(buyer, open_before.id, 1)
        assert "akad salam" in str(refused.value.message)
        assert db.session.get(Listing, old_offer.id).remaining == 500


def test_salam_goods_cannot_go_back_through_a_bundle(app):
    with app.app_context():
        seller, buyer, salam_id = _signed(akad="salam")
        back = make_deal(  # the salam buyer sells to the salam seller
            buyer,
            seller,
            slug="batik_tulis",
            price=100_000,
            terms=deal_terms(quantity=1, unit_price=100_000),
        )
        with pytest.raises(Invalid) as refused:
            reciprocal.tie_bundle(buyer, salam_id, back.id)
        assert "salam" in str(refused.value.message)


def test_salam_shortfall_is_refunded_before_completion(app):
    """50 kg paid, 45 kg handed over: completing with Rp 28.000 overpaid is refused until the
    seller records the refund."""
    with app.app_context():
        seller, buyer, deal_id = _signed(akad="salam", quantity=50, unit_price=5600)
        fulfilment.ship(seller, deal_id)
        fulfilment.receive(buyer, deal_id, 45, 2, today_wib(), "Kurang 5 kg", "cancelled")
        with pytest.raises(Invalid) as owed:
            fulfilment.complete(seller, deal_id)
        assert "28.000" in str(owed.value.message)
        with pytest.raises(Invalid):
            fulfilment.refund(seller, deal_id, 30_000, today_wib())
        row = fulfilment.refund(seller, deal_id, 28_000, today_wib(), "Transfer balik")
        assert (row.amount, row.recorded_by_id, row.note) == (28_000, seller.id, "Transfer balik")
        fulfilment.complete(seller, deal_id)
        deal = _deal(deal_id)
        assert deal.state == "completed" and deal.paid - deal.refunded == 45 * 5600


def test_salam_goods_missing_on_the_due_date_buyer_waits_or_cancels_with_refund(app):
    with app.app_context():
        seller, buyer, deal_id = _signed(akad="salam")
        with pytest.raises(IllegalTransition):  # the choice opens on the due date only
            fulfilment.wait_for_goods(buyer, deal_id, today_wib() + timedelta(days=20))
        _due_today(deal_id)
        with pytest.raises(IllegalTransition):  # the seller does not choose
            fulfilment.cancel_with_refund(seller, deal_id)
        fulfilment.wait_for_goods(buyer, deal_id, today_wib() + timedelta(days=20), "Panen mundur")
        assert _deal(deal_id).due_date == today_wib() + timedelta(days=20)
        _signed_again = _signed(akad="salam", seller=seller, buyer=buyer)[2]
        _due_today(_signed_again)
        fulfilment.cancel_with_refund(buyer, _signed_again)
        deal = _deal(_signed_again)
        assert deal.state == "cancelled" and facts.overpaid(deal) == 150_000
        fulfilment.refund(seller, _signed_again, 150_000, today_wib(), "Dikembalikan tunai")
        assert facts.overpaid(_deal(_signed_again)) == 0


# Tunai ------------------------------------------------------------------------------------------


def test_tunai_is_never_handed_over_unpaid_and_payments_keep_to_the_dates(app):
    with app.app_context():
        seller, buyer, deal_id = _signed()
        with pytest.raises(Invalid) as old:
            fulfilment.record_payment(buyer, deal_id, 150_000, date(2020, 1, 1))
        assert "sebelum tanggal akad" in str(old.value.message)
        with pytest.raises(Invalid) as future:
            fulfilment.record_payment(buyer, deal_id, 150_000, today_wib() + timedelta(days=120))
        assert "masa depan" in str(future.value.message)
        fulfilment.ship(seller, deal_id)
        with pytest.raises(Invalid):
            fulfilment.receive(buyer, deal_id, 100, 2, today_wib())
        with pytest.raises(Invalid):  # a handover record dated before the contract
            fulfilment.receive(buyer, deal_id, 100, 2, date(2020, 1, 1), paid_now=150_000)
        fulfilment.receive(buyer, deal_id, 100, 2, today_wib(), paid_now=150_000)
        assert _deal(deal_id).same_session_at is not None


# Grades, istisna', bounds -----------------------------------------------------------------------


def test_k3_offered_against_a_request_for_k1_at_least_is_refused(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        offer = make_listing(seller.pesantren, grade=1)  # K3
        request = make_listing(buyer.pesantren, side=Side.REQUEST, grade=3)  # K1 at least
        with pytest.raises(Invalid) as refused:
            services.open_negotiation(buyer, offer.id, request.id, deal_terms(grade=1))
        assert "di bawah mutu paling rendah" in str(refused.value.message)
        with pytest.raises(Invalid):  # the deal's grade is the offer's
            services.open_negotiation(buyer, offer.id, terms=deal_terms(grade=3))


def test_istisna_for_live_cattle_is_refused_and_fine_for_batik(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        cattle = make_listing(seller.pesantren, slug="sapi_potong", akad=["tunai", "istisna"])
        assert "istisna" not in checks.allowed_akad([cattle])
        with pytest.raises(Invalid):
            services.open_negotiation(buyer, cattle.id, terms=deal_terms(akad="istisna"))
        batik = make_listing(seller.pesantren, slug="batik_tulis", akad=["istisna"], grade=2)
        assert checks.allowed_akad([batik]) == ["istisna"]


@pytest.mark.parametrize("price", [99_999_999_999_999, 2**63 - 1])
def test_an_absurd_price_is_refused_at_opening_not_at_acceptance(app, price):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        offer = make_listing(seller.pesantren)
        with pytest.raises(Invalid) as refused:
            services.open_negotiation(buyer, offer.id, terms=deal_terms(unit_price=price))
        message = str(refused.value.message)
        assert "Harga satuan terlalu tinggi" in message and "1.000.000.000" in message


def test_dates_far_ahead_or_outside_both_windows_are_refused(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        offer = make_listing(seller.pesantren, days=30)
        request = make_listing(
            buyer.pesantren, side=Side.REQUEST, start=today_wib() + timedelta(10)
        )
        outside = deal_terms(handover_date=today_wib() + timedelta(days=5))
        with pytest.raises(Invalid) as refused:
            services.open_negotiation(buyer, offer.id, request.id, outside)
        assert "Tanggal penyerahan harus di antara" in str(refused.value.message)
        far = deal_terms(akad="tempo", payment_due_date=today_wib() + timedelta(days=900))
        with pytest.raises(Invalid) as refused:
            services.open_negotiation(buyer, offer.id, terms=far)
        assert "paling lambat 366 hari" in str(refused.value.message)
