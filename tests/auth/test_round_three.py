"""Accounts, round three (issue 23): registration does not say which e-mails are taken; the
per-address sign-in limit leaves a carrier's NAT alone; API tokens end with a password change
or a deactivation."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, update

from config import Config
from exchange.api.models import ApiToken
from exchange.api.tokens import create_token
from exchange.auth.models import User
from exchange.auth.throttle import Throttle, key_hash
from exchange.clock import frozen
from exchange.extensions import db
from exchange.mail.models import OutboxMessage
from exchange.pesantren.models import Pesantren
from tests.api.helpers import bearer
from tests.auth.test_register import form
from tests.factories import (
    TEST_PASSWORD,
    make_admin,
    make_manager,
    make_pesantren,
    make_staff,
    make_user,
)
from tests.security.world import signed_in

NEW = "kata-sandi-baru-2027"


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _mail_to(app, address) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address))
        return [(m.subject, m.text_body) for m in rows]


def _answer(response) -> tuple:
    """What a visitor sees of a registration: the code, where it leads, the page shown there."""
    return response.status_code, response.headers.get("Location")


def test_registration_answers_the_same_for_a_taken_email_and_mails_the_owner(app):
    with app.app_context():
        owner = make_user(pesantren=make_pesantren(), email="pemilik@kopontren.id")
        owner_pesantren = owner.pesantren_id
    taken = app.test_client().post(
        "/akun/daftar", data=form(email="PEMILIK@kopontren.id", nspp="510035290007")
    )
    fresh = app.test_client().post(
        "/akun/daftar", data=form(email="baru@kopontren.id", nspp="510035290008")
    )
    assert _answer(taken) == _answer(fresh)
    assert taken.status_code == 302
    assert "sudah terdaftar" not in taken.get_data(as_text=True)
    with app.app_context():
        # nothing made for the taken address; the new one registered, pending
        assert db.session.scalar(select(func.count()).select_from(User)) == 2
        names = db.session.scalars(select(Pesantren.id)).all()
        assert len(names) == 2 and owner_pesantren in names
    owner_mail = _mail_to(app, "pemilik@kopontren.id")
    assert len(owner_mail) == 1 and "sudah punya akun" in owner_mail[0][1]
    new_mail = _mail_to(app, "baru@kopontren.id")
    assert len(new_mail) == 1 and "menunggu verifikasi" in new_mail[0][1]


def test_the_registration_pages_shown_are_identical(app):
    with app.app_context():
        make_user(pesantren=make_pesantren(), email="pemilik@kopontren.id")
    pages = []
    for email, nspp in (("pemilik@kopontren.id", "510035290011"), ("lain@kopontren.id", "")):
        client = app.test_client()
        response = client.post(
            "/akun/daftar", data=form(email=email, nspp=nspp), follow_redirects=True
        )
        pages.append((response.status_code, response.request.path, response.get_data(as_text=True)))
    # the NSPP hint differs by what was typed, not by the address: compare the same input
    assert pages[0][:2] == pages[1][:2]
    assert "Pendaftaran diterima" in pages[0][2] and "Pendaftaran diterima" in pages[1][2]


def test_a_new_registrant_signs_in_with_the_password_they_chose(app):
    client = app.test_client()
    assert client.post("/akun/daftar", data=form()).status_code == 302
    assert client.get("/pesantren/saya").status_code == 302  # not signed in yet
    login = client.post(
        "/akun/masuk", data={"email": "ahmad@kopontren.id", "password": TEST_PASSWORD}
    )
    assert login.status_code == 302
    assert "menunggu verifikasi" in client.get("/pesantren/saya").get_data(as_text=True)


def test_one_address_behind_a_carrier_nat_is_not_refused_before_300_tries(app):
    """Many phones behind one address (a carrier's NAT), each mistyping: the address is
    refused only past the production setting, at least 300 tries in the window."""
    limit = Config.LOGIN_CLIENT_MAX_ATTEMPTS  # the production setting
    assert limit >= 300
    app.config["LOGIN_CLIENT_MAX_ATTEMPTS"] = limit
    nat = "100.64.0.1"
    with app.app_context():
        emails = [make_user(email=f"nat{n}@contoh.id").email for n in range(3)]
    with frozen(datetime(2027, 1, 4, 3, 0, tzinfo=UTC)):
        assert _login(app, emails[0], nat).status_code == 400  # try 1 of this window
        with app.app_context():  # tries 2 .. limit-1 already made by the other phones
            db.session.execute(
                update(Throttle)
                .where(Throttle.key_hash == key_hash(nat), Throttle.scope == "login-client")
                .values(count=limit - 1)
            )
            db.session.commit()
        assert _login(app, emails[1], nat).status_code == 400  # try `limit`: still answered
        assert _login(app, emails[2], nat).status_code == 429  # past it the address waits
        assert _login(app, emails[2], "100.64.0.2").status_code == 400  # another address


def _login(app, email, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client.post("/akun/masuk", data={"email": email, "password": "salah-salah-salah"})


def _token(app, user_id) -> str:
    with app.app_context():
        return create_token(db.session.get(User, user_id), "t", ["read"])[1]


def test_a_password_change_revokes_the_accounts_api_tokens(app):
    with app.app_context():
        manager = make_manager()
        email, uid = manager.email, manager.id
    token = _token(app, uid)
    api = app.test_client()
    assert api.get("/api/v1/deals", headers=bearer(token)).status_code == 200
    client = signed_in(app, email)
    changed = client.post(
        "/akun/kata-sandi", data={"p-current": TEST_PASSWORD, "p-password": NEW, "p-confirm": NEW}
    )
    assert changed.status_code == 302
    assert api.get("/api/v1/deals", headers=bearer(token)).status_code == 401
    with app.app_context():
        assert db.session.scalar(select(ApiToken.revoked_at)) is not None


def test_a_password_reset_revokes_the_accounts_api_tokens(app):
    import re

    with app.app_context():
        manager = make_manager()
        email, uid = manager.email, manager.id
    token = _token(app, uid)
    client = app.test_client()
    client.post("/akun/lupa-sandi", data={"email": email})
    with app.app_context():
        body = db.session.scalar(
            select(OutboxMessage.text_body).where(OutboxMessage.to_address == email)
        )
    path = re.search(r"(/akun/atur-ulang/\S+)", body).group(1)
    assert client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert app.test_client().get("/api/v1/deals", headers=bearer(token)).status_code == 401


def test_a_deactivated_staff_accounts_tokens_stay_dead_after_reactivation(app):
    with app.app_context():
        staff = make_staff()
        admin = make_admin().email
        sid = staff.id
    token = _token(app, sid)
    api = app.test_client()
    assert api.get("/api/v1/deals", headers=bearer(token)).status_code == 200
    admin_client = signed_in(app, admin)
    assert admin_client.post(f"/akun/staf/{sid}/nonaktifkan").status_code == 302
    assert admin_client.post(f"/akun/staf/{sid}/aktifkan").status_code == 302
    assert api.get("/api/v1/deals", headers=bearer(token)).status_code == 401
