"""Sign-out ends the session on the server; lockouts hold across workers and cannot be abused."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import select

from exchange.auth.models import User
from exchange.clock import frozen
from exchange.extensions import db
from tests.factories import TEST_PASSWORD, make_admin, make_manager, make_staff

WRONG = "bukan-kata-sandinya"
LOCKED = "Terlalu banyak percobaan masuk yang gagal"


def _cookies(client) -> dict[str, str]:
    return {c.key: c.value for c in client._cookies.values()}


def _client_with(app, cookies: dict[str, str]):
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


def test_logout_kills_the_copied_session_and_remember_cookies(app, client):
    with app.app_context():
        email = make_manager().email
    client.post("/akun/masuk", data={"email": email, "password": TEST_PASSWORD, "remember": "y"})
    copied = _cookies(client)
    assert "remember_token" in copied and "session" in copied
    assert _client_with(app, copied).get("/akun/").status_code == 200
    client.post("/akun/keluar")
    assert _client_with(app, copied).get("/akun/").status_code == 302
    only_remember = {"remember_token": copied["remember_token"]}
    assert _client_with(app, only_remember).get("/akun/").status_code == 302


def test_reactivating_staff_does_not_revive_old_cookies(app, client, auth):
    with app.app_context():
        staff = make_staff()
        admin = make_admin()
        staff_email, staff_id, admin_email = staff.email, staff.id, admin.email
    staff_client = app.test_client()
    staff_client.post("/akun/masuk", data={"email": staff_email, "password": TEST_PASSWORD})
    copied = _cookies(staff_client)
    auth.login(admin_email)
    client.post(f"/akun/staf/{staff_id}/nonaktifkan")
    client.post(f"/akun/staf/{staff_id}/aktifkan")
    assert _client_with(app, copied).get("/akun/").status_code == 302


def _login(app, email, password, address):
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = address
    return c.post("/akun/masuk", data={"email": email, "password": password})


def test_a_stranger_cannot_lock_the_owner_out(app):
    with app.app_context():
        email = make_manager().email
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 3):
        _login(app, email, WRONG, "203.0.113.9")
    locked = _login(app, email, TEST_PASSWORD, "203.0.113.9")
    assert locked.status_code == 400 and LOCKED in locked.get_data(as_text=True)
    owner = _login(app, email, TEST_PASSWORD, "198.51.100.7")  # the owner's phone
    assert owner.status_code == 302


def test_owner_behind_the_same_address_lifts_the_lock_with_a_reset(app):
    from tests.auth.test_password_reset import NEW

    with app.app_context():
        manager = make_manager()
        email = manager.email
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _login(app, email, WRONG, "203.0.113.9")
    assert LOCKED in _login(app, email, TEST_PASSWORD, "203.0.113.9").get_data(as_text=True)
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    c.post("/akun/lupa-sandi", data={"email": email})
    import re

    from exchange.mail.models import OutboxMessage

    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.text_body))
    path = re.search(r"(/akun/atur-ulang/\S+)", body).group(1)
    assert c.post(path, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert _login(app, email, NEW, "203.0.113.9").status_code == 302


def test_one_client_cannot_spray_many_accounts(app):
    app.config["LOGIN_CLIENT_MAX_ATTEMPTS"] = 50  # small, for speed (production: 300)
    limit = app.config["LOGIN_CLIENT_MAX_ATTEMPTS"]
    for n in range(limit):
        _login(app, f"orang{n}@contoh.id", WRONG, "203.0.113.50")
    refused = _login(app, "orang-lagi@contoh.id", WRONG, "203.0.113.50")
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Terlalu banyak permintaan" in page
    assert _login(app, "orang-lagi@contoh.id", WRONG, "198.51.100.1").status_code == 400


def test_unknown_and_known_accounts_answer_alike_when_locked(app):
    with app.app_context():
        email = make_manager().email
    pages = {}
    # The clock stands still, so both pages name the same minutes left (a slow run crossed one).
    with frozen(datetime.now(UTC)):
        for who in (email, "tidak-ada@contoh.id"):
            for _ in range(app.config["LOGIN_MAX_FAILURES"]):
                first = _login(app, who, WRONG, "192.0.2.1")
            pages[who] = (first.status_code, _login(app, who, WRONG, "192.0.2.1"))
    known, unknown = pages[email], pages["tidak-ada@contoh.id"]
    assert known[0] == unknown[0] == 400
    assert known[1].status_code == unknown[1].status_code == 400
    strip = lambda r, e: r.get_data(as_text=True).replace(e, "")  # noqa: E731
    assert strip(known[1], email) == strip(unknown[1], "tidak-ada@contoh.id")
    assert LOCKED in known[1].get_data(as_text=True)


def test_concurrent_wrong_logins_check_only_the_allowed_number_of_passwords(app):
    tries = 40
    with app.app_context():
        manager = make_manager()
        email, uid = manager.email, manager.id
    barrier = threading.Barrier(tries)
    answers: list = []

    def attempt():
        c = app.test_client()
        barrier.wait()
        try:
            response = c.post("/akun/masuk", data={"email": email, "password": WRONG})
            text = response.get_data(as_text=True)
            answers.append("locked" if LOCKED in text else str(response.status_code))
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            answers.append(repr(exc))

    threads = [threading.Thread(target=attempt) for _ in range(tries)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    checked = answers.count("400")
    locked = answers.count("locked")
    print(f"{tries} concurrent wrong logins: {checked} passwords checked, {locked} locked")
    assert answers.count("locked") == tries - app.config["LOGIN_MAX_FAILURES"]
    assert checked == app.config["LOGIN_MAX_FAILURES"]
    with app.app_context():
        # every checked wrong password was counted (no lost update), and told to the owner
        assert db.session.scalar(select(User.failed_logins).where(User.id == uid)) == checked
    ok = app.test_client()
    ok.environ_base["REMOTE_ADDR"] = "198.51.100.2"
    response = ok.post("/akun/masuk", data={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    page = ok.get(response.headers["Location"]).get_data(as_text=True)
    assert f"ada {checked} percobaan masuk dengan kata sandi salah" in page


def test_concurrent_registrations_from_one_client_stop_at_the_limit(app):
    app.config["REGISTER_CLIENT_MAX_PER_HOUR"] = 10  # the production default
    from tests.auth.test_register import form

    limit = app.config["REGISTER_CLIENT_MAX_PER_HOUR"]
    tries = limit + 6
    barrier = threading.Barrier(tries)
    codes: list = []

    def register(n):
        c = app.test_client()
        data = form(email=f"baru{n}@contoh.id", nspp=f"5100352{n:05d}")
        barrier.wait()
        codes.append(c.post("/akun/daftar", data=data).status_code)

    threads = [threading.Thread(target=register, args=(n,)) for n in range(tries)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes.count(429) == tries - limit
    with app.app_context():
        made = db.session.scalars(select(User.email).where(User.email.like("baru%"))).all()
    assert len(made) <= limit
