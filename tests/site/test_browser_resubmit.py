"""Back after posting a listing, then posting again, does not post a second listing."""

import pytest
from sqlalchemy import func, select

from exchange.extensions import db
from exchange.listings.models import Listing
from tests.browser import shot, sign_in
from tests.factories import make_manager

pytestmark = pytest.mark.browser


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Listing.id)))


def test_back_and_resubmit_answers_already_created(app, page, live_url, request):
    with app.app_context():
        email = make_manager("3529").email
    sign_in(page, live_url, email)
    page.goto(live_url + "/listing/baru?side=offer")
    page.select_option("#commodity", "garam_krosok")
    page.select_option("#grade", "K1")
    page.fill("#quantity", "20.000")
    page.fill("#price", "1450")
    page.get_by_role("button", name="Pasang penawaran").click()
    assert "Listing Anda sudah tayang di pasar." in page.content()
    first_url = page.url.split("#")[0]
    assert _count(app) == 1
    page.go_back()
    shot(page, request, "01-back")
    if page.input_value("#quantity") == "":  # the browser did not restore what was typed
        page.select_option("#commodity", "garam_krosok")
        page.select_option("#grade", "K1")
        page.fill("#quantity", "20.000")
        page.fill("#price", "1450")
    page.get_by_role("button", name="Pasang penawaran").click()
    shot(page, request, "02-resubmitted")
    assert _count(app) == 1
    assert page.url.split("#")[0] == first_url
    assert "sudah dibuat" in page.content()
