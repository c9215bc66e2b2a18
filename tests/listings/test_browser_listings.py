"""A manager posts an offer and a request in Chromium, finds them in the market, withdraws one."""

import pytest

from tests.browser import shot, sign_in
from tests.factories import make_listing, make_manager, make_pesantren

pytestmark = [pytest.mark.browser, pytest.mark.shared_out]


def test_manager_posts_finds_and_withdraws_in_chromium(app, page, live_url, request):
    with app.app_context():
        manager = make_manager("3529")
        email = manager.email
        other = make_pesantren(regency_code="3521", name="Pondok Pesantren Lain Ngawi")
        make_listing(other, slug="gula_pasir", price=17000, grade=1)

    sign_in(page, live_url, email)

    page.goto(live_url + "/listing/baru?side=offer")
    page.select_option("#commodity", "garam_krosok")
    page.select_option("#grade", "K1")
    page.fill("#quantity", "20.000")
    page.fill("#price", "1450")
    page.fill("#halal_cert", "ID35110001325901022")
    page.fill("#note", "Garam krosok Kalianget, karung 50 kg")
    shot(page, request, "01-offer-form")
    page.get_by_role("button", name="Pasang penawaran").click()
    assert "Listing Anda sudah tayang di pasar." in page.content()
    assert "Rp\u00a01.450/kg" in page.inner_text("main")
    shot(page, request, "02-offer-posted")

    page.goto(live_url + "/listing/baru?side=request")
    page.select_option("#commodity", "beras")
    page.select_option("#grade", "Medium 2")
    page.fill("#quantity", "3.000")
    page.fill("#price", "13.200")
    page.fill("#max_distance_km", "150")
    page.check("input[value=tempo]")
    page.get_by_role("button", name="Pasang permintaan").click()
    assert "Permintaan: Beras" in page.inner_text("h1")
    shot(page, request, "03-request-posted")

    page.goto(live_url + "/pasar")
    page.get_by_text("Saring dan urutkan").click()
    page.select_option("#f-commodity", "garam_krosok")
    page.get_by_role("button", name="Saring").click()
    table = page.inner_text("ol.market")
    assert "Garam krosok" in table and "20.000 kg" in table
    assert "Gula" not in table and "Beras" not in table
    assert "1 saringan aktif" in page.inner_text("main summary")
    shot(page, request, "04-market-filtered")

    page.goto(live_url + "/listing/saya")
    rows = page.locator("ol.mine > li")
    assert rows.count() == 2
    offer_row = rows.filter(has_text="Garam krosok")
    offer_row.get_by_role("link", name="Tarik").click()
    assert "Tarik listing ini dari pasar?" in page.content()  # asked once, without JavaScript
    page.get_by_role("button", name="Tarik").click()
    assert "Listing ditarik dari pasar." in page.content()
    assert "Ditarik" in page.locator("ol.mine > li", has_text="Garam krosok").inner_text()
    shot(page, request, "05-offer-withdrawn")

    page.goto(live_url + "/pasar?commodity=garam_krosok")
    assert "Belum ada listing yang cocok" in page.content()
