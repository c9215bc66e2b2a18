"""The navigation on a 390 px phone: short for managers and staff, the rest under "Lainnya"."""

import pytest

from tests.browser import shot, sign_in
from tests.factories import make_deal, make_manager, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.shared_out]


def _nav_height(page) -> float:
    return page.locator("header.top").bounding_box()["height"]


def test_nav_fits_a_phone_for_each_role(app, page, live_url, request):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        make_deal(seller, buyer)
        manager, staff = seller.email, make_staff().email
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_url + "/")
    shot(page, request, "01-visitor")
    sign_in(page, live_url, manager)
    assert page.url.endswith("/dasbor")
    nav = page.get_by_role("navigation")
    assert nav.locator(".count").inner_text() == "1"
    assert not nav.get_by_role("link", name="Mitra timbal balik").is_visible()
    shot(page, request, "02-manager")
    print(f"manager header height at 390 px: {_nav_height(page):.0f} px")
    nav.get_by_text("Lainnya").click()
    shot(page, request, "03-manager-more")
    nav.get_by_role("link", name="Mitra timbal balik").click()
    assert page.locator("h1").inner_text() == "Mitra timbal balik"
    page.get_by_role("button", name="Keluar").click()
    sign_in(page, live_url, staff)
    shot(page, request, "04-staff")
    print(f"staff header height at 390 px: {_nav_height(page):.0f} px")
    assert page.url.endswith("/staf/dasbor")  # staff land on their dashboard (issue 27)
    top = page.locator("header.top").get_by_role("navigation")  # not the dashboard's tabs
    top.get_by_text("Lainnya").click()
    top.get_by_role("link", name="Ringkasan").click()
    assert "/ringkasan/" in page.url
