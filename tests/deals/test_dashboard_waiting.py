"""The manager dashboard's "Kesepakatan menunggu Anda" and the landing page after signing in."""

import pytest

from tests.factories import make_deal, make_manager, make_staff

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def _deal(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        deal = make_deal(seller, buyer)
        return seller.email, buyer.email, deal.id


def test_a_manager_lands_on_the_dashboard_and_sees_what_waits(app, client, auth):
    seller, _buyer, deal_id = _deal(app)
    landed = auth.login(seller)
    assert landed.headers["Location"] == "/dasbor"
    page = client.get("/dasbor").text
    assert "Kesepakatan menunggu Anda" in page
    assert f'id="menunggu-{deal_id}"' in page and "Menjawab tawaran" in page
    assert f'href="/kesepakatan/{deal_id}"' in page
    assert "1 belum dibaca" in page and 'href="/kesepakatan/notifikasi"' in page
    client.post("/kesepakatan/notifikasi")  # "mark as read" clears the count
    assert "belum dibaca" not in client.get("/dasbor").text


def test_the_side_that_moved_waits_on_nobody(app, client, auth):
    _seller, buyer, deal_id = _deal(app)
    auth.login(buyer)
    page = client.get("/dasbor").text
    assert f'id="menunggu-{deal_id}"' not in page
    assert "Tidak ada kesepakatan yang menunggu langkah Anda." in page


def test_staff_land_on_the_staff_dashboard(app, client, auth):
    with app.app_context():
        staff = make_staff().email
    assert auth.login(staff).headers["Location"] == "/staf/dasbor"  # issue 27
