from datetime import timedelta

from sqlalchemy import select

from exchange.auth.models import User
from exchange.db import utcnow
from exchange.extensions import db
from tests.factories import TEST_PASSWORD, make_admin, make_manager, make_staff


def loaded(user):
    """Read the attributes the test uses while the session is open."""
    assert user.id and user.email and user.role
    return user


NEW = "kata-sandi-baru-456"


def test_change_password_signs_out_other_sessions_but_keeps_this_one(app, auth, client):
    with app.app_context():
        manager = loaded(make_manager())
    other = app.test_client()
    other.post("/akun/masuk", data={"email": manager.email, "password": TEST_PASSWORD})
    assert other.get("/akun/").status_code == 200
    auth.login(manager)
    response = client.post(
        "/akun/kata-sandi",
        data={"p-current": TEST_PASSWORD, "p-password": NEW, "p-confirm": NEW},
    )
    assert response.status_code == 302
    assert client.get("/akun/").status_code == 200  # still signed in here
    assert other.get("/akun/").status_code == 302  # the other device is signed out
    with app.app_context():
        user = db.session.get(User, manager.id)
        assert user.check_password(NEW) and user.session_version == 2


def test_change_password_refuses_wrong_current_and_short_new(app, auth, client):
    with app.app_context():
        manager = loaded(make_manager())
    auth.login(manager)
    wrong = client.post(
        "/akun/kata-sandi", data={"p-current": "salah-salah", "p-password": NEW, "p-confirm": NEW}
    )
    assert wrong.status_code == 400
    assert "Kata sandi sekarang salah." in wrong.get_data(as_text=True)
    short = client.post(
        "/akun/kata-sandi",
        data={"p-current": TEST_PASSWORD, "p-password": "abc", "p-confirm": "abc"},
    )
    assert short.status_code == 400
    assert "Kata sandi minimal 10 karakter." in short.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, manager.id).check_password(TEST_PASSWORD)


def test_settings_language_and_digest(app, auth, client):
    with app.app_context():
        manager = loaded(make_manager())
    auth.login(manager)
    response = client.post("/akun/", data={"s-locale": "en", "s-digest_frequency": "weekly"})
    assert response.status_code == 302
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, manager.id)
        assert (user.locale, user.digest_frequency) == ("en", "weekly")
    bad = client.post("/akun/", data={"s-locale": "fr", "s-digest_frequency": "hourly"})
    assert bad.status_code == 400


def test_remember_cookie_is_httponly_lax_and_limited(app, client):
    with app.app_context():
        manager = loaded(make_manager())
    response = client.post(
        "/akun/masuk", data={"email": manager.email, "password": TEST_PASSWORD, "remember": "y"}
    )
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "remember_token" in c)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert app.config["REMEMBER_COOKIE_DURATION"] <= timedelta(days=31)


def test_production_cookies_are_secure():
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE


def test_next_only_to_this_site(app, client):
    with app.app_context():
        manager = loaded(make_manager())
    data = {"email": manager.email, "password": TEST_PASSWORD}
    response = client.post("/akun/masuk?next=//evil.example/x", data=data)
    assert response.headers["Location"] == "/dasbor"  # a manager's home, not the other site
    client.post("/akun/keluar")
    response = client.post("/akun/masuk?next=/pesantren/saya", data=data)
    assert response.headers["Location"] == "/pesantren/saya"


def test_repeated_failures_lock_the_account_with_a_clear_message(app, client):
    with app.app_context():
        manager = loaded(make_manager())
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/akun/masuk", data={"email": manager.email, "password": "salah-salah"})
    response = client.post("/akun/masuk", data={"email": manager.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "Terlalu banyak percobaan masuk yang gagal" in response.get_data(as_text=True)
    later = utcnow() + timedelta(minutes=app.config["LOGIN_LOCKOUT_MINUTES"] + 1)
    with app.test_request_context():
        from exchange.auth.services import authenticate

        user, failures = authenticate(manager.email, TEST_PASSWORD, "127.0.0.1", now=later)
        assert user.id == manager.id and failures == app.config["LOGIN_MAX_FAILURES"]


def test_create_user_command(app, runner):
    result = runner.invoke(
        args=["exchange", "create-user", "--email", "staf2@opop.id", "--password", NEW]
        + ["--role", "staff"]
    )
    assert result.exit_code == 0, result.output
    short = runner.invoke(
        args=["exchange", "create-user", "--email", "x@opop.id", "--password", "abc"]
        + ["--role", "staff"]
    )
    assert short.exit_code != 0 and "minimal 10 karakter" in short.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "staf2@opop.id")).is_staff


def test_admin_creates_and_deactivates_staff(app, auth, client):
    with app.app_context():
        admin = loaded(make_admin())
    auth.login(admin)
    response = client.post(
        "/akun/staf", data={"name": "Siti", "email": "siti@opop.id", "password": NEW}
    )
    assert response.status_code == 302
    dup = client.post("/akun/staf", data={"name": "Siti", "email": "siti@opop.id", "password": NEW})
    assert "E-mail ini sudah terdaftar." in dup.get_data(as_text=True)
    with app.app_context():
        staff = loaded(db.session.scalar(select(User).where(User.email == "siti@opop.id")))
        assert staff.role == "staff"
    staff_client = app.test_client()
    staff_client.post("/akun/masuk", data={"email": "siti@opop.id", "password": NEW})
    assert staff_client.get("/pesantren/verifikasi").status_code == 200
    client.post(f"/akun/staf/{staff.id}/nonaktifkan")
    assert staff_client.get("/pesantren/verifikasi").status_code == 302  # signed out
    again = staff_client.post("/akun/masuk", data={"email": "siti@opop.id", "password": NEW})
    assert "Akun ini dinonaktifkan." in again.get_data(as_text=True)
    client.post(f"/akun/staf/{staff.id}/aktifkan")
    with app.app_context():
        assert db.session.get(User, staff.id).is_active


def test_only_admins_manage_staff_accounts(app, auth, client):
    with app.app_context():
        staff, other = make_staff(), make_staff()
        loaded(staff), loaded(other)
    auth.login(staff)
    assert client.get("/akun/staf").status_code == 404
    assert client.post(f"/akun/staf/{other.id}/nonaktifkan").status_code == 404


def test_nav_shows_each_role_what_it_can_do(app, auth, client):
    page = client.get("/").get_data(as_text=True)
    assert "/akun/daftar" in page and "/pesantren/verifikasi" not in page
    with app.app_context():
        manager, staff, admin = make_manager(), make_staff(), make_admin()
        for user in (manager, staff, admin):
            loaded(user)
    assert "Lainnya" not in page  # visitors see every item inline
    auth.login(manager)
    page = client.get("/").get_data(as_text=True)
    assert "/pesantren/saya" in page and "/pesantren/verifikasi" not in page
    for url in ("/dasbor", "/kesepakatan/", "/kesepakatan/notifikasi", "/mitra", "/ringkasan/"):
        assert f'href="{url}"' in page, url
    assert "Lainnya" in page and "/staf/pencocokan" not in page
    inline, more = page.split("<details", 1)
    assert 'href="/mitra"' in more and 'href="/kesepakatan/"' in inline
    auth.logout()
    auth.login(staff)
    page = client.get("/").get_data(as_text=True)
    assert "/pesantren/verifikasi" in page and "/akun/staf" not in page
    assert 'href="/ringkasan/"' in page and 'href="/mitra"' not in page
    assert "/kesepakatan/notifikasi" not in page
    auth.logout()
    auth.login(admin)
    assert "/akun/staf" in client.get("/").get_data(as_text=True)


def test_nav_counts_unread_notifications(app, auth, client):
    from tests.factories import make_deal

    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        make_deal(seller, buyer)
        email = seller.email
    auth.login(email)
    page = client.get("/").get_data(as_text=True)
    assert '<span class="count" aria-label="1 belum dibaca">1</span>' in page
