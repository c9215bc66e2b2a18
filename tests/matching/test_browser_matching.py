"""In headless Chromium on a phone screen: staff start a clearing run, a manager sees the proposal
on the dashboard and declines it, and a listing's suggestions page. Screenshots under
test-output/<test>/."""

import pytest

from exchange.extensions import db
from exchange.listings.models import Side
from tests.browser import shot, sign_in
from tests.factories import make_listing, make_manager, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.shared_out]


def _market(app):
    with app.app_context():
        seller = make_manager("3529", name="Pondok Pesantren Al-Amien Sumenep")
        buyer = make_manager("3528", name="Pondok Pesantren Banyuanyar Pamekasan")
        other = make_manager("3578", name="Pondok Pesantren Surabaya Kota")
        offer = make_listing(seller.pesantren, quantity=800, price=1300)
        make_listing(buyer.pesantren, side=Side.REQUEST, quantity=500, price=2100)
        make_listing(other.pesantren, side=Side.REQUEST, quantity=400, price=2300)
        make_listing(buyer.pesantren, slug="beras", quantity=300, price=12500, grade=2)
        make_listing(seller.pesantren, side=Side.REQUEST, slug="beras", price=14500)
        found = (seller.email, buyer.email, make_staff().email, offer.id)
        db.session.remove()
    return found


def test_run_dashboard_decline_and_suggestions(app, page, live_url, request):
    seller, buyer, staff, offer_id = _market(app)

    sign_in(page, live_url, staff)
    page.get_by_role("link", name="Pencocokan").click()
    page.get_by_role("button", name="Jalankan pencocokan sekarang").click()
    assert "Pencocokan selesai: 3 usulan dari 5 listing." in page.locator(".flash").inner_text()
    shot(page, request, "01-staff-runs")
    page.get_by_role("button", name="Keluar").click()

    sign_in(page, live_url, seller)
    page.goto(live_url + "/dasbor")
    cards = page.locator(".proposal")
    assert cards.count() == 3
    assert "Mitra timbal balik" in page.content()
    assert page.locator(".partner").count() == 1
    shot(page, request, "02-dashboard-proposals")
    cards.first.get_by_role("link", name="Tolak usulan").click()
    assert "tidak dapat diurungkan" in page.content()  # asked once, without JavaScript
    page.get_by_role("button", name="Tolak usulan").click()
    assert "Usulan ditolak" in page.locator(".flash").inner_text()
    assert page.locator(".proposal").count() == 2
    shot(page, request, "03-after-decline")

    page.goto(live_url + f"/pasar/{offer_id}/saran")
    assert page.locator(".suggestion").count() == 2
    shot(page, request, "04-suggestions")

    page.goto(live_url + "/mitra")
    shot(page, request, "05-partners")
    assert buyer  # the buyer's side is covered by the view tests
