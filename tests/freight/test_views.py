"""The trip pages through the client, and the phone walk of accepting a trip in Chromium."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from exchange.extensions import db
from exchange.freight import services
from exchange.freight.models import Trip
from exchange.freight.policy import TripState
from tests.browser import shot, sign_in
from tests.factories import make_manager, make_staff
from tests.freight.helpers import back_haul

pytestmark = pytest.mark.clocks
SCROLL_WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def _money(n: int) -> str:
    return "Rp\u00a0" + f"{n:,}".replace(",", ".")


def test_a_bearer_reads_the_numbers_and_accepts(app, client, auth):
    with app.app_context():
        (madura, jombang), (salt, rice) = back_haul()
        services.plan_trips()
        trip = db.session.scalars(select(Trip)).one()
        auth.login(madura)
        page = client.get("/angkutan").get_data(as_text=True)
        assert f"/angkutan/{trip.id}" in page
        page = client.get(f"/angkutan/{trip.id}").get_data(as_text=True)
        # every number needed to check one's share is on the page
        assert _money(trip.total) in page and _money(trip.stand_alone_total) in page
        for d in trip.deals:
            assert _money(d.share) in page and _money(d.stand_alone) in page
        assert page.count("Terima angkutan bersama") == 1  # only the salt: Madura carries it
        resp = client.post(f"/angkutan/{trip.id}/{salt}/terima", follow_redirects=True)
        assert "Anda menerima angkutan bersama" in resp.get_data(as_text=True)
        # the rice is Jombang's to answer
        resp = client.post(f"/angkutan/{trip.id}/{rice}/terima", follow_redirects=True)
        assert "Anda tidak berhak melakukan ini." in resp.get_data(as_text=True)
        client.post("/akun/keluar")
        auth.login(jombang)
        resp = client.post(f"/angkutan/{trip.id}/{rice}/tolak", follow_redirects=True)
        assert "kesepakatan tetap seperti semula" in resp.get_data(as_text=True)
        db.session.refresh(trip)
        assert trip.state == TripState.DECLINED


def test_strangers_get_404_and_staff_see_corridors(app, client, auth):
    with app.app_context():
        back_haul()
        services.plan_trips()
        trip = db.session.scalars(select(Trip)).one()
        auth.login(make_manager(regency_code="3578"))
        assert client.get(f"/angkutan/{trip.id}").status_code == 404
        client.post("/akun/keluar")
        auth.login(make_staff())
        page = client.get("/staf/angkutan").get_data(as_text=True)
        assert trip.corridor in page and _money(trip.saving) in page
        resp = client.post("/staf/angkutan/rencanakan", follow_redirects=True)
        assert "0 perjalanan diusulkan" in resp.get_data(as_text=True)  # its deals are held


@pytest.mark.browser
@pytest.mark.slow
def test_phone_walk_accepting_a_trip(app, live_url, page, request):
    with app.app_context():
        (madura, jombang), (salt, rice) = back_haul()
        services.plan_trips()
        trip_id = db.session.scalars(select(Trip.id)).one()
        emails = madura.email, jombang.email
        db.session.remove()
    from playwright.sync_api import expect

    for n, email in enumerate(emails):
        sign_in(page, live_url, email)
        page.goto(f"{live_url}/angkutan")
        page.click(f"a[href='/angkutan/{trip_id}']")
        page.wait_for_url(f"**/angkutan/{trip_id}")
        shot(page, request, f"trip-{n}")
        scroll, inner = page.evaluate(SCROLL_WIDTH)
        assert scroll <= inner, "the trip page scrolls sideways at 390 px"
        page.click("text=Terima angkutan bersama")
        expect(page.locator("body")).to_contain_text("Anda menerima angkutan bersama")
        shot(page, request, f"accepted-{n}")
        page.context.clear_cookies()
    with app.app_context():
        assert db.session.get(Trip, trip_id).state == TripState.AGREED
