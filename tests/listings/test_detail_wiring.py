"""The listing page as wired to matching, deals and moderation."""

from datetime import timedelta

from exchange.clock import today_wib
from exchange.dashboard.services import hide_listing
from exchange.listings.models import Side
from tests.factories import make_listing, make_manager, make_staff


def _market(app):
    with app.app_context():
        seller, buyer, other = make_manager("3529"), make_manager("3528"), make_manager("3526")
        offer = make_listing(seller.pesantren, price=1200)
        request = make_listing(buyer.pesantren, side=Side.REQUEST, price=2000)
        return seller.email, buyer.email, other.email, offer.id, request.id


def test_own_listing_shows_counterparts_each_with_a_negotiation_link(app, client, auth):
    seller, _buyer, _other, offer, request = _market(app)
    auth.login(seller)
    page = client.get(f"/pasar/{offer}").text
    assert "Saran pasangan" in page and f'id="saran-{request}"' in page
    assert f"/kesepakatan/baru?listing={request}&amp;counter={offer}" in page
    assert 'id="open-negotiation"' not in page  # no negotiating with oneself


def test_another_trader_gets_a_negotiation_button_paired_with_their_match(app, client, auth):
    _seller, buyer, other, offer, request = _market(app)
    auth.login(buyer)
    page = client.get(f"/pasar/{offer}").text
    assert 'id="open-negotiation"' in page
    assert f"/kesepakatan/baru?listing={offer}&amp;counter={request}" in page
    assert f"listing Anda #{request}" in page
    assert f"/pasar/{offer}/saran" not in page  # the suggestions page is the owner's
    auth.logout()
    auth.login(other)  # no listing of their own: the plain button
    page = client.get(f"/pasar/{offer}").text
    assert f'href="/kesepakatan/baru?listing={offer}"' in page


def test_visitors_and_staff_get_no_negotiation_button(app, client, auth):
    _seller, _buyer, _other, offer, _request = _market(app)
    assert 'id="open-negotiation"' not in client.get(f"/pasar/{offer}").text
    with app.app_context():
        staff = make_staff().email
    auth.logout()
    auth.login(staff)
    assert 'id="open-negotiation"' not in client.get(f"/pasar/{offer}").text


def test_expired_listing_page_still_opens_without_suggestions(app, client, auth):
    with app.app_context():
        seller, buyer = make_manager("3529"), make_manager("3528")
        old = make_listing(seller.pesantren, start=today_wib() - timedelta(days=40), days=10)
        old_id, buyer_email = old.id, buyer.email
    auth.login(buyer_email)
    page = client.get(f"/pasar/{old_id}")
    assert page.status_code == 200
    assert 'id="open-negotiation"' not in page.text and "/saran" not in page.text


def test_manager_sees_why_staff_hid_a_listing(app, client, auth):
    seller, buyer, _other, offer, _request = _market(app)
    with app.app_context():
        hide_listing(make_staff(), offer, "Foto dan harga tidak sesuai")
    auth.login(seller)
    page = client.get(f"/pasar/{offer}").text
    assert "disembunyikan oleh staf" in page and "Foto dan harga tidak sesuai" in page
    assert "Saran pasangan" not in page
    mine = client.get("/listing/saya").text
    assert "Foto dan harga tidak sesuai" in mine
    auth.logout()
    auth.login(buyer)
    assert client.get(f"/pasar/{offer}").status_code == 404
