"""My digest on the site, unsubscribing (one click, never by GET alone), preferences, failures."""

from __future__ import annotations

from datetime import timedelta

import pytest

from exchange.auth.models import User
from exchange.clock import today_wib
from exchange.digests.tokens import unsubscribe_token
from exchange.extensions import db
from exchange.mail.models import OutboxMessage, OutboxStatus
from tests.factories import make_listing, make_manager, make_staff

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def frequency(app, user_id) -> str:
    with app.app_context():
        return db.session.get(User, user_id).digest_frequency


def test_my_digest_on_the_site_with_a_whatsapp_share(app, client, auth):
    with app.app_context():
        user = make_manager()
        make_listing(user.pesantren, start=today_wib() - timedelta(days=5), days=7)
        email = user.email
    auth.login(email)
    page = client.get("/ringkasan/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Listing Anda yang segera berakhir" in html
    assert "Penawaran Garam krosok" in html
    assert 'href="https://wa.me/?text=' in html
    weekly = client.get("/ringkasan/?periode=weekly").get_data(as_text=True)
    assert "Ringkasan Mingguan" in weekly


def test_an_empty_digest_says_so(app, client, auth):
    with app.app_context():
        user = make_manager()
        email = user.email
    auth.login(email)
    html = client.get("/ringkasan/").get_data(as_text=True)
    assert "Ringkasan kosong tidak dikirim" in html
    assert "wa.me" not in html


def test_digest_page_needs_a_sign_in(client):
    response = client.get("/ringkasan/")
    assert response.status_code == 302
    assert "/akun/masuk" in response.headers["Location"]


def test_get_only_asks_post_unsubscribes(app, client):
    with app.app_context():
        user = make_manager()
        token = unsubscribe_token(user.id)
    page = client.get(f"/ringkasan/berhenti/{token}")
    assert page.status_code == 200
    assert "Ya, berhenti" in page.get_data(as_text=True)
    assert frequency(app, user.id) == "daily"  # a mail scanner following the link changes nothing
    done = client.post(f"/ringkasan/berhenti/{token}")
    assert done.status_code == 200
    assert "Ringkasan dihentikan" in done.get_data(as_text=True)
    assert frequency(app, user.id) == "none"


def test_rfc8058_one_click_post_works_without_csrf_token(app, client, csrf_on):
    with app.app_context():
        user = make_manager()
        token = unsubscribe_token(user.id)
    response = client.post(
        f"/ringkasan/berhenti/{token}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert frequency(app, user.id) == "none"


def test_a_forged_token_unsubscribes_nobody(app, client):
    with app.app_context():
        user = make_manager()
        forged = unsubscribe_token(user.id)[:-3] + "abc"
    assert client.get(f"/ringkasan/berhenti/{forged}").status_code == 404
    assert client.post(f"/ringkasan/berhenti/{forged}").status_code == 404
    assert frequency(app, user.id) == "daily"


def test_preferences_change_the_frequency(app, client, auth):
    with app.app_context():
        user = make_manager()
        email, user_id = user.email, user.id
    auth.login(email)
    page = client.get("/ringkasan/pengaturan").get_data(as_text=True)
    assert 'value="daily" checked' in page or "checked" in page
    response = client.post("/ringkasan/pengaturan", data={"frequency": "weekly"})
    assert response.status_code == 302
    assert frequency(app, user_id) == "weekly"
    bad = client.post("/ringkasan/pengaturan", data={"frequency": "hourly"})
    assert bad.status_code == 400
    assert frequency(app, user_id) == "weekly"


def test_preferences_form_needs_csrf(app, client, auth):
    with app.app_context():
        user = make_manager()
        email, user_id = user.email, user.id
    auth.login(email)
    app.config["WTF_CSRF_ENABLED"] = True  # signed in first; the app fixture restores it
    response = client.post("/ringkasan/pengaturan", data={"frequency": "none"})
    assert response.status_code == 400
    assert frequency(app, user_id) == "daily"


def test_staff_see_failed_mail_others_get_404(app, client, auth):
    with app.app_context():
        staff = make_staff()
        manager = make_manager()
        db.session.add(
            OutboxMessage(
                to_address="salah@contoh.id",
                subject="Ringkasan Harian",
                text_body="x",
                headers={},
                status=OutboxStatus.FAILED.value,
                attempts=1,
                last_error="550 mailbox unavailable",
            )
        )
        db.session.commit()
        staff, manager = staff.email, manager.email
    auth.login(manager)
    assert client.get("/ringkasan/gagal").status_code == 404
    auth.logout()
    auth.login(staff)
    html = client.get("/ringkasan/gagal").get_data(as_text=True)
    assert "salah@contoh.id" in html
    assert "550 mailbox unavailable" in html
