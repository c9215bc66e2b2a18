"""The same answer and the same work for unknown accounts; limits on reset links and sign-ups."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from exchange.auth import models as auth_models
from exchange.auth import services as auth_services
from exchange.auth.models import PasswordReset
from exchange.extensions import db
from exchange.mail.models import OutboxMessage
from tests.factories import make_manager

WRONG = "bukan-kata-sandinya"


def _wrong_login(app, email, address):
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = address
    return c.post("/akun/masuk", data={"email": email, "password": WRONG})


def test_unknown_accounts_get_the_same_sign_in_answer_and_a_hash_check(app, monkeypatch):
    """An unknown address costs one password-hash check, of the configured method, as a known
    one does: no answer and no amount of work tells them apart (the times: make bench-signin)."""
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    checked = []
    for module in (auth_services, auth_models):
        real = module.check_password_hash

        def check(pwhash, password, real=real):
            checked.append(pwhash.split(":", 1)[0])
            return real(pwhash, password)

        monkeypatch.setattr(module, "check_password_hash", check)
    with app.app_context():
        email = make_manager().email
    pages = {}
    for n in range(2):
        for kind, who in (("known", email), ("unknown", f"tidak-ada{n}@contoh.id")):
            checked.clear()
            response = _wrong_login(app, who, f"192.0.2.{n + 10}")
            assert response.status_code == 400
            assert checked == ["scrypt"], kind
            pages[kind] = response.get_data(as_text=True).replace(who, "")
    assert pages["known"] == pages["unknown"]


def _links(app):
    with app.app_context():
        bodies = db.session.scalars(select(OutboxMessage.text_body)).all()
        live = db.session.scalar(
            select(func.count()).select_from(PasswordReset).where(PasswordReset.used_at.is_(None))
        )
    return [re.search(r"/akun/atur-ulang/\S+", b).group(0) for b in bodies], live


def test_thirty_forgot_requests_leave_one_live_link_and_few_mails(app):
    with app.app_context():
        email = make_manager().email
    for n in range(30):
        c = app.test_client()
        c.environ_base["REMOTE_ADDR"] = f"198.51.100.{n + 1}"  # even from many clients
        assert c.post("/akun/lupa-sandi", data={"email": email}).status_code == 302
    links, live = _links(app)
    assert live == 1
    assert len(links) == app.config["RESET_ADDRESS_MAX_PER_HOUR"]
    client = app.test_client()
    assert [client.get(link).status_code for link in links] == [404] * (len(links) - 1) + [200]


def test_one_client_asking_for_many_resets_gets_429(app):
    app.config["RESET_CLIENT_MAX_PER_HOUR"] = 10  # the production default
    limit = app.config["RESET_CLIENT_MAX_PER_HOUR"]
    c = app.test_client()
    codes = [
        c.post("/akun/lupa-sandi", data={"email": f"x{n}@contoh.id"}).status_code
        for n in range(limit + 2)
    ]
    assert codes == [302] * limit + [429, 429]
    page = c.post("/akun/lupa-sandi", data={"email": "y@contoh.id"}).get_data(as_text=True)
    assert "Terlalu banyak permintaan" in page and 'lang="id"' in page


def test_the_429_page_speaks_english_to_english_readers(app):
    app.config["RESET_CLIENT_MAX_PER_HOUR"] = 10  # the production default
    c = app.test_client()
    c.get("/bahasa/en")
    for n in range(app.config["RESET_CLIENT_MAX_PER_HOUR"] + 1):
        response = c.post("/akun/lupa-sandi", data={"email": f"x{n}@contoh.id"})
    assert response.status_code == 429
    assert "Too many requests" in response.get_data(as_text=True)
