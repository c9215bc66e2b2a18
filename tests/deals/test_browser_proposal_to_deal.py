"""In headless Chromium on a phone: a clearing run proposes a sale, the buyer opens a negotiation
from the dashboard, and the seller finds it waiting on theirs. Screenshots in test-output/."""

import pytest

from exchange.extensions import db
from exchange.listings.models import Side
from exchange.matching import services as matching
from tests.browser import shot, sign_in
from tests.factories import make_listing, make_manager

pytestmark = [pytest.mark.browser, pytest.mark.shared_out]


def test_proposal_on_the_dashboard_to_an_open_negotiation(app, page, live_url, request):
    with app.app_context():
        seller = make_manager("3529", name="Pondok Pesantren Al-Amien Sumenep")
        buyer = make_manager("3528", name="Pondok Pesantren Banyuanyar Pamekasan")
        make_listing(seller.pesantren, quantity=800, price=1300)
        make_listing(buyer.pesantren, side=Side.REQUEST, quantity=500, price=2100)
        matching.run_clearing()
        emails = seller.email, buyer.email
        db.session.remove()

    sign_in(page, live_url, emails[1])
    assert page.url.endswith("/dasbor")  # managers land on their dashboard
    card = page.locator(".proposal")
    assert card.count() == 1 and "Beli 500 kg" in card.inner_text()
    shot(page, request, "01-buyer-dashboard-proposal")
    card.get_by_role("link", name="Buka negosiasi").click()
    assert page.locator("h1").inner_text() == "Buka negosiasi"
    assert page.locator("#quantity").input_value() == "500"  # prefilled from the proposal
    assert "Dari usulan" in page.content()
    shot(page, request, "02-open-form-prefilled")
    page.fill("#message", "Sesuai usulan pencocokan; kami ambil di gudang.")
    page.get_by_role("button", name="Ajukan").click()
    assert "Negosiasi dibuka" in page.locator(".flash").inner_text()
    shot(page, request, "03-negotiation-opened")
    page.goto(live_url + "/dasbor")
    assert page.locator(".proposal").count() == 0  # acted on: no longer proposed
    page.get_by_role("button", name="Keluar").click()

    sign_in(page, live_url, emails[0])
    waiting = page.locator(".waiting-list li")
    assert waiting.count() == 1 and "Menjawab tawaran" in waiting.inner_text()
    assert page.locator("nav .count").inner_text() == "1"
    shot(page, request, "04-seller-dashboard-waiting")
    waiting.get_by_role("link").click()
    assert "Sesuai usulan pencocokan" in page.content()
    shot(page, request, "05-seller-sees-the-negotiation")
