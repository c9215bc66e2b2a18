import pytest

from tests.browser import shot

pytestmark = [pytest.mark.browser, pytest.mark.shared_out]


def test_home_page_in_chromium_on_a_phone(page, live_url, request):
    page.goto(live_url + "/")
    assert page.locator("h1").inner_text() == "Bursa dagang antarpesantren"
    shot(page, request, "01-home")
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
