"""Each bad input the attacker's fuzzing found gives a clear 4xx in the reader's language."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta

from sqlalchemy import func, select

from exchange.auth.models import User
from exchange.clock import today_wib
from exchange.deals import acceptance, fulfilment
from exchange.deals.models import Rating
from exchange.extensions import db
from exchange.listings.models import Listing
from tests.factories import deal_terms, make_deal, make_listing, make_manager, make_staff
from tests.security.world import build_world, signed_in


def test_nul_bytes_in_a_filter_or_a_form_are_a_clear_400(app, client):
    for response in (
        client.get("/pasar", query_string={"commodity": "garam\x00"}),
        client.get("/pesantren/", query_string={"q": "a\x00b"}),
        client.post("/akun/masuk", data={"email": "a\x00@b.id", "password": "x"}),
    ):
        assert response.status_code == 400
        assert "karakter yang tidak diizinkan" in response.get_data(as_text=True)
    client.get("/bahasa/en")
    english = client.get("/pasar", query_string={"q": "\x00"})
    assert english.status_code == 400 and "not allowed" in english.get_data(as_text=True)


def test_ids_past_the_database_range_are_not_found(app, client):
    with app.app_context():
        staff = make_staff().email
    auth = signed_in(app, staff)
    for path in (
        "/pasar/2147483648",
        "/pasar/99999999999999999999999",
        "/pesantren/9223372036854775808",
        "/kesepakatan/2147483648",
        "/staf/listing/99999999999/sembunyikan",
    ):
        client_ = auth if path.startswith("/staf") else client
        method = client_.post if path.endswith("sembunyikan") else client_.get
        assert method(path).status_code == 404, path


def test_a_huge_page_number_or_price_filter_is_not_a_500(app, client):
    for query in (
        {"page": "9223372036854775808"},
        {"page": "99999999999999999999"},
        {"price_min": "99999999999999999999999"},
        {"price_max": "-99999999999999999999999"},
    ):
        assert client.get("/pasar", query_string=query).status_code < 500, query


def test_staff_filters_with_absurd_dates_say_so(app):
    with app.app_context():
        staff = make_staff().email
    c = signed_in(app, staff)
    for path in ("/staf/audit", "/staf/audit.csv", "/staf/dasbor"):
        for day in ("0001-01-01", "9999-12-31"):
            response = c.get(path, query_string={"dari": day, "sampai": day})
            response.get_data()  # finish the streamed CSV inside its request
            assert response.status_code in (200, 400), (path, day)
    page = c.get("/staf/audit", query_string={"dari": "0001-01-01"}).get_data(as_text=True)
    assert "Tanggal harus antara 2000-01-01 dan 2100-12-31" in page


def test_snan_and_infinite_coordinates_are_refused(app):
    with app.app_context():
        manager = make_manager()
        email, pid = manager.email, manager.pesantren_id
    c = signed_in(app, email)
    for value in ("sNaN", "NaN", "Infinity", "-inf"):
        response = c.post(f"/pesantren/{pid}/ubah", data={"lat": value, "lon": "112.5"})
        assert response.status_code == 400, value


def test_non_integer_version_is_a_stale_page_not_a_500(app):
    with app.app_context():
        seller = make_manager()
        deal = make_deal(seller)
        email, deal_id = seller.email, deal.id
    c = signed_in(app, email)
    for version in ("abc", "1.5", "99999999999999999999", "-1"):
        response = c.post(f"/kesepakatan/{deal_id}/terima", data={"version": version})
        assert response.status_code == 302
        page = c.get(response.headers["Location"]).get_data(as_text=True)
        assert "Data telah berubah" in page


def test_an_overlong_client_token_is_refused_and_nothing_is_stored(app):
    with app.app_context():
        manager = make_manager()
        email = manager.email
    c = signed_in(app, email)
    today = today_wib()
    data = {
        "client_token": "t" * 65,
        "commodity": "garam_krosok",
        "grade": "K1",
        "quantity": "100",
        "price": "1500",
        "window_start": today.isoformat(),
        "window_end": (today + timedelta(days=300)).isoformat(),
        "akad": "tunai",
    }
    response = c.post("/listing/baru?side=offer", data=data)
    assert response.status_code in (302, 400)
    with app.app_context():
        tokens = db.session.scalars(select(Listing.client_token)).all()
        assert all(t is None or len(t) <= 64 for t in tokens)


def test_registration_without_the_halal_field_is_not_a_500(app, client):
    from tests.auth.test_register import form

    data = form()
    del data["halal_certificates"]
    assert client.post("/akun/daftar", data=data).status_code in (302, 400)


def test_concurrent_double_rating_gives_one_rating_and_a_clear_message(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        offer = make_listing(seller.pesantren, quantity=100)
        deal = make_deal(seller, buyer, offer=offer, terms=deal_terms())
        acceptance.accept(seller, deal.id, 1)
        fulfilment.ship(seller, deal.id)
        fulfilment.record_payment(buyer, deal.id, 150_000, today_wib())
        fulfilment.receive(buyer, deal.id, 100, 2, today_wib(), "")
        fulfilment.complete(seller, deal.id)
        buyer_id, deal_id = buyer.id, deal.id
    tries = 12
    barrier = threading.Barrier(tries)
    outcomes: list = []

    def rate():
        with app.app_context():
            barrier.wait()
            try:
                fulfilment.rate(db.session.get(User, buyer_id), deal_id, 5, "")
                outcomes.append("ok")
            except Exception as exc:  # noqa: BLE001 - the test sorts every outcome
                message = str(getattr(exc, "message", ""))
                outcomes.append("refused" if message else repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=rate) for _ in range(tries)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored, refused = outcomes.count("ok"), outcomes.count("refused")
    print(f"{tries} concurrent ratings: {stored} stored, {refused} refused")
    assert outcomes.count("ok") == 1 and outcomes.count("refused") == tries - 1, outcomes
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Rating)) == 1


def test_hidden_listing_cannot_be_opened_by_others(app):
    with app.app_context():
        world = build_world()
    for who in (world.buyer, world.outsider):
        c = signed_in(app, who)
        assert c.get(f"/kesepakatan/baru?listing={world.hidden_id}").status_code == 404
        counter = c.get(f"/kesepakatan/baru?listing={world.offer_id}&counter={world.hidden_id}")
        assert counter.status_code == 200
    assert (
        signed_in(app, world.buyer).get(f"/kesepakatan/baru?listing={world.offer_id}").status_code
        == 200
    )


def test_a_retried_opening_gives_back_the_same_negotiation(app):
    from exchange.deals.models import Deal

    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        offer_id = make_listing(seller.pesantren).id
        email = buyer.email
    c = signed_in(app, email)
    page = c.get(f"/kesepakatan/baru?listing={offer_id}&akad=tunai").get_data(as_text=True)
    token = re.search(r'name="client_token" type="hidden" value="([^"]+)"', page)
    data = {
        "quantity": 50,
        "unit_price": 1500,
        "grade": 2,
        "akad": "tunai",
        "handover_date": date.fromordinal(today_wib().toordinal() + 5).isoformat(),
        "handover_place": "Gudang",
        "transport": "buyer",
        "client_token": token.group(1),
    }
    tries = 6
    barrier = threading.Barrier(tries)
    places: list = []

    def post():
        client = signed_in(app, email)
        barrier.wait()
        response = client.post(f"/kesepakatan/baru?listing={offer_id}", data=data)
        places.append((response.status_code, response.headers.get("Location")))

    threads = [threading.Thread(target=post) for _ in range(tries)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    again = c.post(f"/kesepakatan/baru?listing={offer_id}", data=data)
    places.append((again.status_code, again.headers.get("Location")))
    assert set(places) == {(302, places[0][1])}, places
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Deal)) == 1
