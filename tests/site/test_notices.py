"""What a manager is told: pending verification, notifications read when opened, hidden listings."""

from exchange.dashboard.services import hide_listing
from exchange.deals.models import Notification
from exchange.deals.queries import unread_count
from exchange.extensions import db
from exchange.pesantren.models import PesantrenStatus
from tests.factories import make_deal, make_listing, make_manager, make_staff


def test_a_pending_manager_is_told_what_is_happening_and_what_comes_next(app, client, auth):
    with app.app_context():
        email = make_manager(status=PesantrenStatus.PENDING).email
    auth.login(email)
    home = client.get("/dasbor")
    assert "menunggu verifikasi" in home.text and "Setelah diverifikasi" in home.text
    page = client.get("/listing/baru?side=offer", follow_redirects=True)
    assert page.status_code == 403
    assert "Pesantren Anda menunggu verifikasi" in page.text
    assert "Anda tidak berhak" not in page.text and "Tidak diizinkan" not in page.text


def test_a_verified_manager_sees_no_verification_notice(app, client, auth):
    with app.app_context():
        email = make_manager().email
    auth.login(email)
    assert "menunggu verifikasi" not in client.get("/dasbor").text


def test_opening_a_notification_marks_it_read(app, client, auth):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        deal_id = make_deal(seller, buyer).id
        seller_email, seller_id = seller.email, seller.id
        (note_id,) = [n.id for n in db.session.query(Notification).filter_by(user_id=seller.id)]
        other = make_manager(regency_code="3507").email
    auth.login(seller_email)
    listing = client.get("/kesepakatan/notifikasi").text
    assert f'href="/kesepakatan/notifikasi/{note_id}"' in listing
    opened = client.get(f"/kesepakatan/notifikasi/{note_id}")
    assert opened.status_code == 302 and opened.location.endswith(f"/kesepakatan/{deal_id}")
    with app.app_context():
        assert unread_count(db.session.get(type(seller), seller_id)) == 0
    auth.logout()
    auth.login(other)
    assert client.get(f"/kesepakatan/notifikasi/{note_id}").status_code == 404


def test_viewing_a_deal_reads_its_notifications(app, client, auth):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        deal_id, seller_email, seller_id = make_deal(seller, buyer).id, seller.email, seller.id
    auth.login(seller_email)
    assert client.get(f"/kesepakatan/{deal_id}").status_code == 200
    with app.app_context():
        assert unread_count(db.session.get(type(seller), seller_id)) == 0


def _reads_english(app, email: str) -> None:
    """The account's saved language (a GET link to /bahasa/en only sets the cookie, which a
    signed-in account's own setting outranks)."""
    from sqlalchemy import select

    from exchange.auth.models import User

    with app.app_context():
        db.session.scalar(select(User).where(User.email == email)).locale = "en"
        db.session.commit()


def test_a_listing_hidden_by_staff_notifies_its_managers(app, client, auth):
    with app.app_context():
        manager = make_manager()
        listing_id, email = make_listing(manager.pesantren).id, manager.email
        hide_listing(make_staff(), listing_id, "Foto tidak sesuai barang")
    auth.login(email)
    page = client.get("/kesepakatan/notifikasi").text
    assert f"listing #{listing_id}" in page and "Foto tidak sesuai barang" in page
    _reads_english(app, email)
    english = client.get("/kesepakatan/notifikasi").text
    assert "OPOP staff hid listing" in english


def test_dashboard_filters_speak_indonesian(app, client, auth):
    with app.app_context():
        email = make_staff().email
    auth.login(email)
    page = client.get("/staf/dasbor?dari=kemarin")
    assert "Tanggal tidak valid." in page.text and "Not a valid date value." not in page.text
    audit = client.get("/staf/audit?sampai=besok")
    assert "Tanggal tidak valid." in audit.text


def test_the_staff_listing_page_names_the_status_in_words(app, client, auth):
    with app.app_context():
        listing_id = make_listing(make_manager().pesantren).id
        email = make_staff().email
    auth.login(email)
    page = client.get(f"/staf/listing/{listing_id}").text
    assert ">Aktif<" in page and ">active<" not in page


def test_staff_read_the_exchanges_deals_without_manager_wording(app, client, auth):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        deal_id, seller_name = make_deal(seller, buyer).id, seller.pesantren.name
        email = make_staff().email
    auth.login(email)
    page = client.get("/kesepakatan/").text
    assert f'href="/kesepakatan/{deal_id}"' in page and seller_name in page
    assert "Buka negosiasi dari listing" not in page and "Menunggu Anda" not in page


def test_english_readers_get_english_commodity_names_on_the_dashboard(app, client, auth):
    from tests.dashboard import dataset

    with app.app_context():
        dataset.load()
        email = make_staff().email
    auth.login(email)
    _reads_english(app, email)
    page = client.get("/staf/dasbor?dari=2027-01-01&sampai=2027-01-31").text
    table = page[page.index('id="commodities"') :]
    assert "Raw solar sea salt" in table and "Garam krosok" not in table


def test_a_pending_manager_opening_a_negotiation_is_told_why(app, client, auth):
    with app.app_context():
        listing_id = make_listing(make_manager().pesantren).id
        email = make_manager(regency_code="3578", status=PesantrenStatus.PENDING).email
    auth.login(email)
    page = client.get(f"/kesepakatan/baru?listing={listing_id}")
    assert "Pesantren Anda menunggu verifikasi" in page.text  # told before filling the form


def test_the_navigation_badge_is_each_managers_own_count_in_their_language(app, client, auth):
    """The navigation's items are built once per set of roles and language; the unread count
    is each reader's own."""
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        make_deal(seller, buyer)  # the seller gets a notification of the new negotiation
        seller_email, buyer_email = seller.email, buyer.email
        unread = unread_count(seller)
    assert unread >= 1
    auth.login(seller_email)
    page = client.get("/kesepakatan/").get_data(as_text=True)
    assert f'<span class="count" aria-label="{unread} belum dibaca">{unread}</span>' in page
    auth.logout()
    auth.login(buyer_email)
    page = client.get("/kesepakatan/").get_data(as_text=True)
    assert '<span class="count"' not in page and ">Notifikasi</a>" in page
    client.post("/bahasa/en", headers={"Referer": "http://localhost/kesepakatan/"})
    page = client.get("/kesepakatan/").get_data(as_text=True)
    assert ">Notifications</a>" in page and ">Notifikasi</a>" not in page
