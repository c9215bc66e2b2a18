"""Issue 25, listing minors: "made to order" is a property of the listing (a custom label,
tailoring), not of every AMDK or uniform: istisna' is offered only for a listing marked made to
order. A food offer without a halal certificate number gets a prompt, never a refusal."""

import re
from dataclasses import replace

from sqlalchemy import select

from exchange.extensions import db
from exchange.listings.models import Listing
from tests.listings.helpers import form_data
from tests.listings.test_rules import BATIK, GOOD, codes
from tests.listings.test_views import login_manager


def test_istisna_needs_a_listing_made_to_order_of_goods_that_may_be():
    batik = replace(GOOD, commodity="batik_tulis", grade="Tulis", akad=("istisna",))
    assert ("akad", "istisna_made_to_order") in codes(batik, commodity=BATIK)
    assert codes(replace(batik, made_to_order=True), commodity=BATIK) == set()
    salt = replace(GOOD, akad=("istisna",), made_to_order=True)  # salt is never made to order
    assert ("akad", "istisna_made_to_order") in codes(salt)


def _amdk(**kw):
    return form_data(commodity="amdk_gelas", grade="Standar", price="22000", **kw)


def test_stock_amdk_is_not_offered_by_istisna_but_a_custom_label_is(app, client, auth):
    login_manager(app, auth)
    page = client.get("/listing/baru?side=offer", follow_redirects=True).text
    assert 'name="made_to_order"' in page
    stock = client.post("/listing/baru?side=offer", data=_amdk(akad=["istisna"]))
    assert stock.status_code == 400 and "istishna" in stock.text
    custom = client.post(
        "/listing/baru?side=offer", data=_amdk(akad=["istisna"], made_to_order="y", n=2)
    )
    assert custom.status_code == 302
    with app.app_context():
        listing = db.session.scalar(select(Listing))
        assert listing.made_to_order and listing.akad == ["istisna"]
    edit = client.get(f"/listing/{listing.id}/ubah").text
    box = re.search(r'<input[^>]*name="made_to_order"[^>]*>', edit).group(0)
    assert 'value="istisna"' in edit and "checked" in box


def test_a_listing_not_made_to_order_is_not_offered_istisna_on_its_form(app, client, auth):
    login_manager(app, auth)
    client.post("/listing/baru?side=offer", data=_amdk(akad=["tunai"]))
    with app.app_context():
        listing = db.session.scalar(select(Listing))
    edit = client.get(f"/listing/{listing.id}/ubah").text
    assert 'value="istisna"' not in edit


def test_a_food_offer_without_a_halal_number_is_saved_with_a_prompt(app, client, auth):
    login_manager(app, auth)
    resp = client.post("/listing/baru?side=offer", data=form_data(), follow_redirects=True)
    assert "Listing Anda sudah tayang di pasar." in resp.text
    assert "belum mencantumkan nomor sertifikat halal" in resp.text
    with_number = client.post(
        "/listing/baru?side=offer",
        data=form_data(halal_cert="ID35110001325901022", n=2),
        follow_redirects=True,
    )
    assert "belum mencantumkan nomor sertifikat halal" not in with_number.text
    request = client.post("/listing/baru?side=request", data=form_data(n=3), follow_redirects=True)
    assert "belum mencantumkan nomor sertifikat halal" not in request.text
