"""Adding and confirming a WhatsApp number on the account page, and choosing channels."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from exchange.auth.models import User
from exchange.db import utcnow
from exchange.errors import Invalid
from exchange.extensions import db
from exchange.mail.models import OutboxMessage
from exchange.mail.outbox import deliver_pending
from exchange.whatsapp import services
from exchange.whatsapp.models import WhatsAppCode, WhatsAppContact
from tests.factories import make_manager
from tests.whatsapp.conftest import confirm_number


def test_without_provider_settings_the_page_says_email_carries_everything(app, client, auth):
    with app.app_context():
        user = make_manager()
        with pytest.raises(Invalid):
            services.send_code(user, "081234567001")
        email = user.email
    auth.login(email)
    page = client.get("/akun/").get_data(as_text=True)
    assert "Pesan WhatsApp belum diaktifkan" in page


def test_a_number_is_confirmed_with_the_code_sent_to_it_on_whatsapp(app, client, auth, provider):
    with app.app_context():
        email = make_manager().email
    auth.login(email)
    response = client.post("/akun/whatsapp/nomor", data={"wp-phone": "0812-3456-7001"})
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(WhatsAppCode))
        assert stored.phone == "+6281234567001"
        code_hash = stored.code_hash
        assert len(code_hash) == 64  # a keyed hash, never the code
        assert deliver_pending()["sent"] == 1
    (sent,) = provider.accepted
    code = sent.body[0]
    assert (sent.to, sent.template, sent.button) == ("6281234567001", "bursa_code", code)
    assert len(code) == 6 and code.isdigit() and code not in code_hash
    with app.app_context():  # once sent, the code leaves the outbox too
        row = db.session.scalar(select(OutboxMessage))
        assert row.headers == {} and code not in row.text_body
    page = client.get("/akun/").get_data(as_text=True)
    assert "+62 812-****-7001" in page and "wc-code" in page
    client.post("/akun/whatsapp/kode", data={"wc-code": code})
    page = client.get("/akun/").get_data(as_text=True)
    assert "Nomor terkonfirmasi" in page and "wk-digest" in page
    choices = {f"wk-{k}": "email" for k in services.Kind}
    client.post(
        "/akun/whatsapp/pilihan",
        data={**choices, "wk-digest": "both", "wk-payment_due": "whatsapp"},
    )
    with app.app_context():
        contact = db.session.scalar(select(WhatsAppContact))
        assert contact.confirmed_phone == "+6281234567001"
        assert contact.preferences["digest"] == "both"
        assert contact.preferences["payment_due"] == "whatsapp"


def test_a_code_allows_five_tries_and_ten_minutes(app, provider):
    with app.app_context():
        user = make_manager()
        services.send_code(user, "081234567001")
        deliver_pending()
        code = provider.accepted[-1].body[0]
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        for _ in range(5):
            with pytest.raises(Invalid, match="salah"):
                services.confirm(user, wrong)
        with pytest.raises(Invalid, match="tidak berlaku"):
            services.confirm(user, code)  # the right code, after five wrong tries
        services.send_code(user, "081234567001")
        deliver_pending()
        code = provider.accepted[-1].body[0]
        with pytest.raises(Invalid, match="tidak berlaku"):
            services.confirm(user, code, now=utcnow() + timedelta(minutes=10, seconds=1))
        services.confirm(user, code, now=utcnow() + timedelta(minutes=9))
        assert services.target(user).phone == "+6281234567001"


def test_at_most_three_codes_an_hour_per_account_and_per_number(app, provider):
    with app.app_context():
        user, other = make_manager(), make_manager()
        for phone in ("081234567001", "081234567002", "081234567003"):
            services.send_code(user, phone)
        with pytest.raises(Invalid, match="3 kode"):
            services.send_code(user, "081234567004")
        services.send_code(user, "081234567004", now=utcnow() + timedelta(minutes=61))
        for _ in range(2):
            services.send_code(other, "081234567009")
        with pytest.raises(Invalid, match="3 kode"):  # one number, several accounts
            services.send_code(make_manager(), "081234567009")
            services.send_code(make_manager(), "081234567009")


def test_a_number_is_confirmed_by_one_account_only(app, provider):
    with app.app_context():
        first, second = make_manager(), make_manager()
        services.send_code(second, "081234567001")  # both set it up ...
        deliver_pending()
        second_code = provider.accepted[-1].body[0]
        confirm_number(provider, first, "081234567001")
        with pytest.raises(Invalid, match="akun lain"):
            services.confirm(second, second_code)  # ... the database keeps the first
        with pytest.raises(Invalid, match="akun lain"):
            services.send_code(second, "+62 812 3456 7001")
        contact = db.session.scalar(
            select(WhatsAppContact).where(WhatsAppContact.user_id == second.id)
        )
        contact.confirmed_phone = "+6281234567001"
        with pytest.raises(Exception, match="(?i)unique"):
            db.session.commit()  # the UNIQUE constraint itself
        db.session.rollback()


@pytest.mark.parametrize("phone", ["021 555 1234", "+1 415 555 0100", "0812"])
def test_a_number_that_is_not_an_indonesian_mobile_is_refused(app, provider, phone):
    with app.app_context(), pytest.raises(Invalid, match="tidak valid"):
        services.send_code(make_manager(), phone)


def test_the_page_stops_and_restarts_whatsapp(app, client, auth, provider):
    with app.app_context():
        user = make_manager()
        confirm_number(provider, user)
        email, user_id = user.email, user.id
    auth.login(email)
    client.post("/akun/whatsapp/berhenti")
    with app.app_context():
        assert services.target(db.session.get(User, user_id)).reachable is False
    assert "Lanjutkan pesan WhatsApp" in client.get("/akun/").get_data(as_text=True)
    client.post("/akun/whatsapp/lanjut")
    with app.app_context():
        assert services.target(db.session.get(User, user_id)).phone == "+6281234567001"
    client.post("/akun/whatsapp/hapus")
    with app.app_context():
        assert services.target(db.session.get(User, user_id)).reachable is False


def test_the_forms_need_the_csrf_token(app, client, auth, provider, csrf_on):
    with app.app_context():
        email = make_manager().email
    auth.login(email)
    client.post("/akun/whatsapp/nomor", data={"wp-phone": "081234567001"})
    with app.app_context():
        assert db.session.scalar(select(WhatsAppCode)) is None


def test_erasure_takes_the_number_its_codes_and_its_messages(app, provider):
    from exchange.privacy import services as privacy
    from tests.factories import make_staff

    with app.app_context():
        user = make_manager()
        confirm_number(provider, user)
        services.send_code(user, "081234567002")  # a code waiting, too
        request = privacy.request_deletion(user)
        privacy.carry_out(make_staff(), request.id)
        contact = db.session.scalar(select(WhatsAppContact))
        assert (contact.phone, contact.confirmed_phone) == (None, None)
        assert db.session.scalar(select(WhatsAppCode)) is None
        rows = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.channel == "whatsapp")
        ).all()
        assert rows and all(r.to_address == "-" and r.status != "pending" for r in rows)
