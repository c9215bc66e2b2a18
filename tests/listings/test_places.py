"""Places in words (issue 27): a listing with a place of its own names it; the negotiation form,
the contract and the listing page print that name with the nearest regency seat, and the
coordinates only as a map link."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from exchange.deals import acceptance
from exchange.extensions import db
from exchange.listings import places
from exchange.listings.models import Listing
from tests.deals.test_documents import page_text, pdf_text
from tests.factories import deal_terms, make_deal, make_listing, make_manager
from tests.listings.helpers import form_data

SURABAYA = {"lat": "-7.2575", "lon": "112.7521"}  # a warehouse in Surabaya


def _manager_in_sampang(app):
    with app.app_context():
        manager = make_manager(regency_code="3527", name="Pondok Pesantren Al-Mubarok Sampang")
        return manager.email


def test_a_place_of_its_own_needs_its_name_with_every_other_error_in_one_round(app, client, auth):
    auth.login(_manager_in_sampang(app))
    page = client.post(
        "/listing/baru?side=offer", data=form_data(price="", **SURABAYA), follow_redirects=True
    ).get_data(as_text=True)
    assert "tulis nama tempat atau alamatnya" in page
    assert "Wajib diisi." in page  # the price, in the same round
    with app.app_context():
        assert db.session.scalar(select(Listing.id)) is None


def test_the_name_is_kept_and_the_listing_page_prints_it_with_the_regency(app, client, auth):
    auth.login(_manager_in_sampang(app))
    data = form_data(place_name="Gudang Bulog Tandes, Jl. Tandes 12", **SURABAYA)
    client.post("/listing/baru?side=offer", data=data, follow_redirects=True)
    with app.app_context():
        listing = db.session.scalars(select(Listing)).one()
        assert listing.place_name == "Gudang Bulog Tandes, Jl. Tandes 12"
        assert places.place_words(listing) == (
            "Gudang Bulog Tandes, Jl. Tandes 12, dekat Kota Surabaya"
        )
        listing_id = listing.id
    page = client.get(f"/pasar/{listing_id}").get_data(as_text=True)
    assert "Gudang Bulog Tandes, Jl. Tandes 12, dekat Kota Surabaya" in page
    assert "openstreetmap.org/?mlat=-7.25750&amp;mlon=112.75210" in page
    assert "-7.2575, 112.7521" not in page


def test_at_the_pesantren_the_name_is_not_asked_and_not_kept(app, client, auth):
    with app.app_context():
        manager = make_manager(regency_code="3527")
        email, lat, lon = manager.email, str(manager.pesantren.lat), str(manager.pesantren.lon)
    auth.login(email)
    data = form_data(place_name="Gudang lain", lat=lat, lon=lon)
    client.post("/listing/baru?side=offer", data=data, follow_redirects=True)
    with app.app_context():
        listing = db.session.scalars(select(Listing)).one()
        assert not places.has_own_place(listing) and listing.place_name is None
        assert places.place_words(listing) == f"{listing.pesantren.name}, Kab. Sampang"


@pytest.fixture
def deal_at_a_warehouse(app):
    with app.app_context():
        seller = make_manager(regency_code="3527", name="Pondok Pesantren Al-Mubarok Sampang")
        buyer = make_manager(regency_code="3578")
        offer = make_listing(
            seller.pesantren, lat=-7.2575, lon=112.7521, place_name="Gudang Bulog Tandes"
        )
        return seller.id, buyer.id, buyer.email, offer.id


def test_the_negotiation_form_and_the_contract_print_the_place_in_words(
    app, client, auth, deal_at_a_warehouse
):
    seller_id, buyer_id, buyer_email, offer_id = deal_at_a_warehouse
    auth.login(buyer_email)
    form = client.get(f"/kesepakatan/baru?listing={offer_id}&akad=tunai").get_data(as_text=True)
    assert 'value="Gudang Bulog Tandes, dekat Kota Surabaya"' in form
    assert "112.7521" not in form
    with app.app_context():
        from exchange.auth.models import User

        seller, buyer = db.session.get(User, seller_id), db.session.get(User, buyer_id)
        offer = db.session.get(Listing, offer_id)
        from exchange.deals.checks import handover_place

        deal = make_deal(
            seller, buyer, offer=offer, terms=deal_terms(handover_place=handover_place(offer))
        )
        acceptance.accept(seller, deal.id, 1)
        deal_id = deal.id
    page = page_text(client.get(f"/kesepakatan/{deal_id}/kontrak").text)
    pdf = pdf_text(client.get(f"/kesepakatan/{deal_id}/kontrak.pdf").data)
    for text in (page, pdf):
        assert "Gudang Bulog Tandes, dekat Kota Surabaya" in " ".join(text.split())
        assert "112.7521" not in text
