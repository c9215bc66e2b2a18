import re
from datetime import timedelta

from sqlalchemy import select

from exchange.auth.models import PasswordReset, User
from exchange.db import utcnow
from exchange.extensions import db
from exchange.mail.models import OutboxMessage
from tests.factories import TEST_PASSWORD, make_manager

NEW = "kata-sandi-baru-789"


def _request_link(app, client) -> tuple[str, int]:
    with app.app_context():
        manager = make_manager()
        email, uid = manager.email, manager.id
    client.post("/akun/lupa-sandi", data={"email": email})
    with app.app_context():
        text = db.session.scalar(select(OutboxMessage.text_body))
    path = re.search(r"https?://[^/\s]+(/akun/atur-ulang/\S+)", text).group(1)
    return path, uid


def test_forgot_answers_the_same_for_unknown_addresses(app, client):
    with app.app_context():
        email = make_manager().email
    known = client.post("/akun/lupa-sandi", data={"email": email}, follow_redirects=True)
    unknown = client.post(
        "/akun/lupa-sandi", data={"email": "siapa@tidak.ada"}, follow_redirects=True
    )
    assert known.status_code == unknown.status_code == 200
    assert "Bila alamat itu terdaftar" in unknown.get_data(as_text=True)
    strip = lambda page: page.get_data(as_text=True).replace(email, "")  # noqa: E731
    assert strip(known) == strip(unknown)
    with app.app_context():
        # The same work for both: one outbox row each; only the account's holds a link.
        rows = db.session.execute(select(OutboxMessage.to_address, OutboxMessage.text_body)).all()
        assert sorted(r.to_address for r in rows) == sorted([email, "siapa@tidak.ada"])
        unknown_body = next(r.text_body for r in rows if r.to_address == "siapa@tidak.ada")
        assert "/akun/atur-ulang/" not in unknown_body and "tidak ada akun aktif" in unknown_body


def test_reset_link_works_once_and_signs_out_other_sessions(app, client):
    path, uid = _request_link(app, client)
    token = path.rsplit("/", 1)[1]
    with app.app_context():
        stored = db.session.scalar(select(PasswordReset.token_hash))
        assert token not in stored and len(stored) == 64  # only the hash is stored
        email = db.session.get(User, uid).email
    other = app.test_client()
    other.post("/akun/masuk", data={"email": email, "password": TEST_PASSWORD})
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert other.get("/akun/").status_code == 302  # signed out
    assert client.post("/akun/masuk", data={"email": email, "password": NEW}).status_code == 302
    client.post("/akun/keluar")
    again = client.post(path, data={"password": "lagi-lagi-lagi", "confirm": "lagi-lagi-lagi"})
    assert again.status_code == 404
    assert "sudah dipakai atau kedaluwarsa" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, uid).check_password(NEW)


def test_reset_link_expires(app, client):
    path, uid = _request_link(app, client)
    with app.app_context():
        reset = db.session.scalar(select(PasswordReset))
        reset.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = client.post(path, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(User, uid).check_password(TEST_PASSWORD)


def test_reset_refuses_a_short_password_and_keeps_the_link(app, client):
    path, uid = _request_link(app, client)
    response = client.post(path, data={"password": "abc", "confirm": "abc"})
    assert response.status_code == 400
    assert "Kata sandi minimal 10 karakter." in response.get_data(as_text=True)
    assert client.get(path).status_code == 200


def test_unknown_token_is_a_friendly_404(client):
    response = client.get("/akun/atur-ulang/bukan-token")
    assert response.status_code == 404
    assert "Minta tautan baru" in response.get_data(as_text=True)
