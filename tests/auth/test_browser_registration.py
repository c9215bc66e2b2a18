"""In headless Chromium on a phone screen: register a pesantren, verify it as staff, sign in as
its manager. Screenshots of each step under test-output/<test>/."""

import pytest

from exchange.extensions import db
from tests.browser import shot, sign_in
from tests.factories import TEST_PASSWORD, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.shared_out]


def _sign_out(page):
    page.get_by_role("button", name="Keluar").click()


def test_register_verify_and_sign_in(app, page, live_url, request):
    with app.app_context():
        staff_email = make_staff().email
        db.session.remove()

    page.goto(live_url + "/")
    page.get_by_role("link", name="Daftar").first.click()
    shot(page, request, "01-register-form")
    page.fill("#user_name", "Ahmad Fauzi")
    page.fill("#email", "ahmad@kopontren.id")
    page.fill("#password", TEST_PASSWORD)
    page.fill("#confirm", TEST_PASSWORD)
    page.fill("#nspp", "510035290123")
    page.fill("#name", "Pondok Pesantren Al-Ikhlas Sumenep")
    page.fill("#kopontren_name", "Kopontren Al-Ikhlas")
    page.select_option("#regency_code", "3529")
    page.fill("#phone", "0812 3456 7890")
    page.fill("#santri_count", "850")
    page.fill("#products", "garam krosok")
    page.get_by_role("button", name="Daftar").click()
    # the same answer whether the address was new or taken: sign in with what was chosen
    assert "Pendaftaran diterima" in page.locator(".flash").first.inner_text()
    sign_in(page, live_url, "ahmad@kopontren.id")
    page.get_by_role("navigation").get_by_text("Lainnya").click()
    page.get_by_role("navigation").get_by_role("link", name="Pesantren saya").click()
    assert page.locator("#status").inner_text() == "menunggu verifikasi"
    shot(page, request, "02-registered-pending")
    _sign_out(page)

    sign_in(page, live_url, staff_email)
    page.get_by_role("link", name="Verifikasi", exact=True).click()
    card = page.locator(".card", has_text="Pondok Pesantren Al-Ikhlas Sumenep")
    shot(page, request, "03-staff-queue")
    card.get_by_role("button", name="Verifikasi").click()
    assert "terverifikasi" in page.locator(".flash").first.inner_text()
    shot(page, request, "04-verified")
    _sign_out(page)

    sign_in(page, live_url, "ahmad@kopontren.id")
    page.get_by_role("navigation").get_by_text("Lainnya").click()
    page.get_by_role("navigation").get_by_role("link", name="Pesantren saya").click()
    assert page.locator("#status").inner_text() == "terverifikasi"
    shot(page, request, "05-manager-sees-verified")
