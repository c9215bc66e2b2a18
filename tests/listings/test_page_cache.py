"""Visitors' pages kept rendered (exchange/listings/caching.py): a kept page changes at once
after every kind of write a visitor could see, a signed-in reader never gets or leaves a kept
body, two languages are two pages, and a listing whose window ended leaves without a write."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from exchange.auth.models import User
from exchange.clock import frozen
from exchange.dashboard.services import hide_listing
from exchange.deals.acceptance import accept
from exchange.extensions import db
from exchange.listings import caching, services, versions
from exchange.listings.models import Listing, ListingStatus
from exchange.pesantren.services import change_status
from exchange.scheduler import jobs
from tests.factories import make_deal, make_listing, make_manager, make_staff
from tests.listings.helpers import salt_offer

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


@pytest.fixture
def pages(app):
    app.config["PAGE_CACHE_ENABLED"] = True
    app.extensions.pop("visitor_pages", None)
    yield lambda: caching.store(app)
    app.extensions.pop("visitor_pages", None)


def again(user_id: int) -> User:
    """The account in this app context's session."""
    return db.session.get(User, user_id)


def link(listing_id: int) -> str:
    return f'href="/pasar/{listing_id}"'


def kept_twice(client, pages, path="/pasar") -> str:
    """The page, rendered once and then served from the store (the same body)."""
    first = client.get(path)
    hits = pages().hits
    second = client.get(path)
    assert first.status_code == second.status_code == 200
    assert pages().hits == hits + 1 and second.data == first.data
    return second.text


def test_a_new_listing_shows_at_once(app, client, pages):
    with app.app_context():
        manager = make_manager()
        old, manager_id = make_listing(manager.pesantren).id, manager.id
    assert link(old) in kept_twice(client, pages)
    with app.app_context():
        new, _ = services.create_listing(again(manager_id), salt_offer(price=1700))
        new_id = new.id
    assert link(new_id) in client.get("/pasar").text


def test_an_edit_shows_at_once_on_the_market_and_the_listing(app, client, pages):
    with app.app_context():
        manager = make_manager()
        listing, _ = services.create_listing(manager, salt_offer(price=1400))
        listing_id, manager_id = listing.id, manager.id
    assert "1.400" in kept_twice(client, pages)
    assert "1.400" in kept_twice(client, pages, f"/pasar/{listing_id}")
    with app.app_context():
        services.update_listing(again(manager_id), listing_id, salt_offer(price=1650))
    for path in ("/pasar", f"/pasar/{listing_id}"):
        page = client.get(path).text
        assert "1.650" in page and "1.400" not in page


def test_a_withdrawn_listing_leaves_at_once(app, client, pages):
    with app.app_context():
        manager = make_manager()
        listing_id, manager_id = make_listing(manager.pesantren).id, manager.id
    assert link(listing_id) in kept_twice(client, pages)
    with app.app_context():
        services.withdraw_listing(again(manager_id), listing_id)
    assert link(listing_id) not in client.get("/pasar").text


def test_a_deal_that_takes_everything_removes_the_listing_at_once(app, client, pages):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        offer = make_listing(seller.pesantren, quantity=100)
        deal = make_deal(seller, buyer, offer=offer)  # 100 of 100: the seller's turn
        offer_id, deal_id, seller_id = offer.id, deal.id, seller.id
    assert link(offer_id) in kept_twice(client, pages)
    with app.app_context():
        accept(again(seller_id), deal_id, 1)  # reserves the quantity (a conditional UPDATE)
        assert db.session.get(Listing, offer_id).status == ListingStatus.FULFILLED
    assert link(offer_id) not in client.get("/pasar").text


def test_a_listing_hidden_by_staff_leaves_at_once(app, client, pages):
    with app.app_context():
        listing_id = make_listing(make_manager().pesantren).id
        staff_id = make_staff().id
    assert link(listing_id) in kept_twice(client, pages)
    kept_twice(client, pages, f"/pasar/{listing_id}")
    with app.app_context():
        hide_listing(again(staff_id), listing_id, "Foto dan keterangan tidak sesuai.")
    assert link(listing_id) not in client.get("/pasar").text
    assert client.get(f"/pasar/{listing_id}").status_code == 404


def test_a_suspended_pesantren_leaves_the_market_and_the_home_page_counts_at_once(
    app, client, pages
):
    with app.app_context():
        manager = make_manager()
        listing_id = make_listing(manager.pesantren).id
        pesantren_id, staff_id = manager.pesantren_id, make_staff().id
    assert link(listing_id) in kept_twice(client, pages)
    assert "1 pesantren terverifikasi" in kept_twice(client, pages, "/")
    with app.test_request_context():  # the managers' e-mail holds a link
        change_status(again(staff_id), pesantren_id, "suspend", "Data koperasi tidak benar.")
    assert link(listing_id) not in client.get("/pasar").text
    assert "0 pesantren terverifikasi" in client.get("/").text


def test_the_schedulers_expiry_moves_the_market_version(app, client, pages):
    today = date(2027, 1, 4)
    with app.app_context(), frozen(datetime(2027, 1, 4, 3, tzinfo=UTC)):
        listing_id = make_listing(make_manager().pesantren, start=today, days=0).id
    with frozen(datetime(2027, 1, 5, 3, tzinfo=UTC)):
        kept_twice(client, pages, f"/pasar/{listing_id}")
        with app.app_context():
            before = versions.current()
            assert jobs.expire()["listings"] == 1
            assert versions.current().number != before.number
        misses = pages().misses
        assert client.get(f"/pasar/{listing_id}").status_code == 200
        assert pages().misses == misses + 1  # rendered again, from the expired row


def test_a_listing_leaves_when_its_window_ends_without_any_write(app, client, pages):
    today = date(2027, 1, 4)
    with app.app_context(), frozen(datetime(2027, 1, 4, 3, tzinfo=UTC)):
        listing_id = make_listing(make_manager().pesantren, start=today, days=0).id
    # 23:59 WIB on its last day, then 00:01 WIB the next day (16:59 and 17:01 UTC).
    with frozen(datetime(2027, 1, 4, 16, 59, tzinfo=UTC)):
        assert link(listing_id) in kept_twice(client, pages)
    with frozen(datetime(2027, 1, 4, 17, 1, tzinfo=UTC)):
        page = client.get("/pasar")
        assert link(listing_id) not in page.text
        midnight = datetime(2027, 1, 4, 17, tzinfo=UTC)
        assert page.last_modified >= midnight


def test_a_signed_in_manager_never_gets_or_leaves_a_kept_page(app, client, auth, pages):
    with app.app_context():
        manager = make_manager()
        listing_id = make_listing(manager.pesantren).id
        email = manager.email
    visitor = kept_twice(client, pages)
    assert "Buat Penawaran" not in visitor
    auth.login(email)
    for path in ("/pasar", f"/pasar/{listing_id}", "/"):
        kept = len(pages())
        page = client.get(path)
        assert "Keluar" in page.text and "ETag" not in page.headers
        assert len(pages()) == kept
    assert "Buat Penawaran" in client.get("/pasar").text
    other = app.test_client()
    for path in ("/pasar", f"/pasar/{listing_id}", "/"):
        page = other.get(path).text
        assert "Keluar" not in page and "Buat Penawaran" not in page and email not in page


def test_two_languages_are_two_pages(app, client, pages):
    with app.app_context():
        make_listing(make_manager().pesantren)
    indonesian = kept_twice(client, pages)
    english = app.test_client()
    english.set_cookie("lang", "en")
    assert "Market" in english.get("/pasar").text
    assert len(pages()) == 2
    assert "Pasar: penawaran dan permintaan" in client.get("/pasar").text == indonesian


def test_a_flashed_message_is_shown_once_and_never_kept(app, client, pages):
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Pesan sekali tampil.")]
    assert "Pesan sekali tampil." in client.get("/pasar").text
    assert len(pages()) == 0
    assert "Pesan sekali tampil." not in kept_twice(client, pages)


def test_if_modified_since_answers_304_until_the_market_moves(app, client, pages):
    with app.app_context():
        manager = make_manager()
        listing_id, manager_id = make_listing(manager.pesantren).id, manager.id
    first = client.get("/pasar")
    since = first.headers["Last-Modified"]
    assert client.get("/pasar", headers={"If-Modified-Since": since}).status_code == 304
    with app.app_context():
        services.withdraw_listing(again(manager_id), listing_id)
    moved = client.get("/pasar", headers={"If-Modified-Since": since})
    assert moved.status_code == 200 and link(listing_id) not in moved.text
    assert "no-cache" in moved.headers["Cache-Control"] and "Cookie" in moved.headers["Vary"]


def test_the_store_stays_within_its_bounds(app, client, pages):
    app.config["PAGE_CACHE_ENTRIES"] = 3
    for n in range(6):
        assert client.get(f"/pasar?page={n + 1}").status_code == 200
    assert len(pages()) == 3
    size = pages().size_bytes  # three market pages
    app.extensions.pop("visitor_pages")
    app.config["PAGE_CACHE_ENTRIES"] = 100
    app.config["PAGE_CACHE_BYTES"] = 2 * size  # room for about six
    for n in range(10):
        client.get(f"/pasar?sort=newest&page={n + 1}")
    assert size < pages().size_bytes <= 2 * size and len(pages()) < 10


def test_switched_off_nothing_is_kept(app, client, pages):
    app.config["PAGE_CACHE_ENABLED"] = False
    client.get("/pasar")
    assert caching.store(app) is None
    assert "ETag" in client.get("/pasar").headers


def test_a_write_moves_the_version_once_per_commit_and_a_read_does_not(app):
    with app.app_context():
        manager = make_manager()
        start = versions.current()
        db.session.scalars(db.select(Listing)).all()
        db.session.commit()
        assert versions.current() == start
        make_listing(manager.pesantren)
        after = versions.current()
        assert after.number > start.number and after.last_modified > start.last_modified


def test_last_modified_is_the_later_of_the_version_and_wib_midnight():
    day = date(2027, 1, 4)
    midnight = datetime(2027, 1, 3, 17, tzinfo=UTC)
    assert caching.last_modified(int(midnight.timestamp()) - 60, day) == midnight
    later = midnight + timedelta(hours=1)
    assert caching.last_modified(int(later.timestamp()), day) == later
