"""A salam buyer may not offer the goods again before it has received them (DOMAIN.md 7)."""

import pytest

from exchange.clock import today_wib
from exchange.deals import acceptance, fulfilment
from exchange.listings.models import Side
from exchange.listings.services import InvalidListing, create_listing
from tests.factories import confirm_salam, deal_terms, make_deal, make_listing, make_manager
from tests.listings.helpers import count_listings, form_data, salt_offer


def _salam_buyer():
    """A signed salam deal for garam krosok: paid in full at signing, nothing received yet."""
    seller, buyer = make_manager(), make_manager(regency_code="3578")
    offer = make_listing(seller.pesantren, akad=["tunai", "salam"])
    deal = make_deal(seller, buyer, offer=offer, terms=deal_terms(akad="salam"))
    acceptance.accept(seller, deal.id, 1)
    confirm_salam(deal.id, seller)  # a salam seller confirms the price (issue 25)
    return seller, buyer, deal.id


def test_salam_buyer_cannot_offer_the_goods_until_received(app):
    with app.app_context():
        seller, buyer, deal_id = _salam_buyer()
        before = count_listings()
        with pytest.raises(InvalidListing) as refused:
            create_listing(buyer, salt_offer())
        assert "akad salam" in str(refused.value.errors["commodity"])
        assert count_listings() == before
        # Requests and other commodities stay open to the buyer.
        create_listing(buyer, salt_offer(side=Side.REQUEST, client_token="r"))
        create_listing(buyer, salt_offer(commodity="beras", grade="Medium 1", price=12000))
        fulfilment.ship(seller, deal_id)
        fulfilment.receive(buyer, deal_id, 100, 2, today_wib())
        listing, _ = create_listing(buyer, salt_offer())
        assert listing.side == "offer"


def test_the_form_shows_the_salam_reason_at_the_commodity(app, client, auth):
    with app.app_context():
        _seller, buyer, _deal = _salam_buyer()
        email, before = buyer.email, count_listings()
    auth.login(email)
    page = client.post("/listing/baru?side=offer", data=form_data())
    assert page.status_code in (200, 400)
    assert "dibeli dengan akad salam dan belum diterima" in page.text
    with app.app_context():
        assert count_listings() == before
