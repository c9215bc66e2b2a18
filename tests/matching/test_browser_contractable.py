"""In headless Chromium at 390 px: a clearing run proposes a tempo sale of salt kept in a
warehouse; the buyer opens it from the dashboard and finds the form prefilled with the
proposal's akad, price, quantity and due date; the seller accepts it as it stands.
Screenshots in test-output/."""

import pytest
from sqlalchemy import select

from exchange.deals.models import Deal
from exchange.extensions import db
from exchange.listings.models import Side
from exchange.matching import services as matching
from exchange.matching.models import Proposal
from tests.browser import shot, sign_in
from tests.factories import make_listing, make_manager

pytestmark = [pytest.mark.browser, pytest.mark.shared_out]


def test_a_proposal_is_opened_prefilled_and_accepted_without_edits(app, page, live_url, request):
    with app.app_context():
        seller = make_manager("3529", name="Pondok Pesantren Al-Amien Sumenep")
        buyer = make_manager("3578", name="Pondok Pesantren Surabaya")
        # Sumenep salt kept in a Gresik warehouse, tempo or murabahah, at least 200 kg a deal.
        make_listing(
            seller.pesantren,
            quantity=800,
            price=1300,
            akad=["tempo", "murabahah"],
            min_quantity=200,
            lat=-7.1566,
            lon=112.6555,
        )
        make_listing(
            buyer.pesantren,
            side=Side.REQUEST,
            quantity=500,
            price=2100,
            akad=["tunai", "tempo", "murabahah"],
            max_distance_km=60.0,
        )
        matching.run_clearing()
        proposal = db.session.scalars(select(Proposal)).one()
        expected = proposal.quantity, proposal.price, proposal.akad
        emails = seller.email, buyer.email
        db.session.remove()
    assert expected[2] == "tempo"  # the buyer's first preference the seller accepts

    sign_in(page, live_url, emails[1])
    card = page.locator(".proposal")
    assert card.count() == 1
    assert "Jual Beli Tempo (pilihan pertama pembeli yang diterima penjual)" in card.inner_text()
    shot(page, request, "01-buyer-dashboard-proposal-with-akad")
    card.get_by_role("link", name="Buka negosiasi").click()
    assert page.locator("#quantity").input_value() == str(expected[0])
    assert page.locator("#unit_price").input_value() == str(expected[1])
    # the akad chosen by the proposal travels in a hidden field (the form shows its fields only)
    assert page.locator("input[name=akad]").input_value() == "tempo"
    assert page.locator("#payment_due_date").input_value()  # the tempo's due date, shown
    assert page.locator("#payment_due_date").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the form is wider than the phone: {width}px"
    shot(page, request, "02-form-prefilled-from-the-proposal")
    page.get_by_role("button", name="Ajukan").click()  # no edits
    assert "Negosiasi dibuka" in page.locator(".flash").inner_text()
    page.get_by_role("button", name="Keluar").click()

    sign_in(page, live_url, emails[0])
    page.locator(".waiting-list li").get_by_role("link").click()
    assert "Syarat ini belum dapat diterima" not in page.content()
    shot(page, request, "03-seller-sees-terms-that-can-be-accepted")
    page.get_by_role("button", name="Terima versi 1").click()
    assert "Kesepakatan diterima" in page.locator(".flash").inner_text()
    shot(page, request, "04-seller-accepted")
    with app.app_context():
        deal = db.session.scalars(select(Deal)).one()
        assert deal.state == "signed"
        terms = deal.current_terms
        assert (terms.quantity, terms.unit_price, terms.akad) == expected
