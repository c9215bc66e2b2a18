"""Staff open the dashboard in Chromium on a phone, filter by a commodity and download a CSV."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import shot, sign_in
from tests.dashboard import dataset
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.shared_out]


def test_staff_filter_the_dashboard_and_download_a_csv(app, page, live_url, request):
    with app.app_context():
        dataset.load()
        email = make_staff().email
    sign_in(page, live_url, email)
    page.get_by_role("link", name="Arus dagang").first.click()
    assert page.locator("h1").inner_text() == "Arus dagang pesantren"
    page.fill("input[name=dari]", "2027-01-01")
    page.fill("input[name=sampai]", "2027-01-31")
    page.get_by_role("button", name="Terapkan").click()
    # a click does not wait for the next page: expect() retries until it has come
    expect(page.locator("[data-key=signed_value]")).to_contain_text("6.510.000")
    shot(page, request, "01-overview")

    page.select_option("select[name=komoditas]", "garam_krosok")
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_url("**komoditas=garam_krosok**")
    expect(page.locator("[data-key=signed_value]")).to_contain_text("5.210.000")
    shot(page, request, "02-salt-only")

    with page.expect_download() as info:
        page.locator("#commodities").get_by_role("link", name="Unduh CSV").click()
    download = info.value
    assert download.suggested_filename == "commodities_2027-01-01_2027-01-31.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[1].startswith("garam_krosok;")
    assert "beras" not in text  # the commodity filter went into the export

    page.get_by_role("link", name="Arus antarwilayah").click()
    page.wait_for_url("**/staf/dasbor/arus**")
    expect(page.locator("svg.chart").first).to_be_visible()
    shot(page, request, "03-flows-map")
    page.get_by_role("link", name="Harga").click()
    page.wait_for_load_state()
    shot(page, request, "04-prices")
