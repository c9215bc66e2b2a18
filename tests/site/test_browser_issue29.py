"""The pages of issue 29 in Chromium at 390 px, without JavaScript of their own: the registry
import (upload, preview, invitations), listings by spreadsheet (upload, preview) and kebutuhan
rutin (list, kitchen estimate, staff demand). No page scrolls sideways, none weighs over 150 KB,
axe-core finds no serious or critical violation."""

from __future__ import annotations

import pytest

from tests.browser import sign_in
from tests.factories import make_listing, make_manager, make_staff
from tests.pesantren.import_helpers import registry_rows, registry_xlsx
from tests.site.test_browser_walk import AXE, _check

pytestmark = [pytest.mark.browser, pytest.mark.shared_out]


def _upload(page, live_url, path, name, data, request, problems, step):
    page.goto(live_url + path)
    page.set_input_files(
        "input[type=file]",
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}],
    )
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_url(lambda url: url.rstrip("/") != (live_url + path).rstrip("/"))
    _check(page, live_url, page.url.split("#")[0].removeprefix(live_url), problems, request, step)


def test_issue_29_pages_fit_the_phone_and_pass_axe(app, page, live_url, request):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make install runs npm ci in tests/js)")
    with app.app_context():
        manager = make_manager(santri_count=800)
        make_listing(manager.pesantren, side="request", slug="beras", days=6)
        emails = {"manager": manager.email, "staff": make_staff().email}
    problems: list[str] = []
    sign_in(page, live_url, emails["staff"])
    for i, path in enumerate(["/pesantren/impor", "/pesantren/undangan", "/listing/rutin/staf"]):
        _check(page, live_url, path, problems, request, f"staff-{i}")
    rows = registry_rows(3)
    rows[2] = (rows[2][0], "123", *rows[2][2:])
    _upload(
        page,
        live_url,
        "/pesantren/impor",
        "binaan.xlsx",
        registry_xlsx(rows),
        request,
        problems,
        "staff-preview",
    )
    page.get_by_role("button", name="Simpan dan kirim undangan").click()
    page.wait_for_url("**/pesantren/undangan")
    page.get_by_role("button", name="Kirim ulang undangan").first.click()
    page.wait_for_selector("#share-text")
    _check(page, live_url, "/pesantren/undangan", problems, request, "staff-invitations")

    page.context.clear_cookies()
    sign_in(page, live_url, emails["manager"])
    for i, path in enumerate(
        ["/listing/lembar", "/listing/rutin", "/listing/rutin/dapur?mukim=456&share=1,0"]
    ):
        _check(page, live_url, path, problems, request, f"manager-{i}")
    with app.app_context():
        from sqlalchemy import select

        from exchange.auth.models import User
        from exchange.extensions import db
        from exchange.listings import sheet_services

        user = db.session.scalar(select(User).where(User.email == emails["manager"]))
        data = sheet_services.own_listings_file(user, "csv").replace(b";tunai", b";tunai, salam")
    _upload(
        page, live_url, "/listing/lembar", "listing.csv", data, request, problems, "manager-preview"
    )
    assert problems == []
