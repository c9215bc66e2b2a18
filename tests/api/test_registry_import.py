"""The staff's registry import through the API: the sheet, its preview, one confirmation; the
invitations waiting and a new link for one of them."""

from __future__ import annotations

import base64

from sqlalchemy import func, select

from exchange.api.models import IdempotentAnswer
from exchange.api.tokens import create_token
from exchange.auth.models import User
from exchange.extensions import db
from exchange.pesantren.models import Pesantren, PesantrenStatus
from tests.api.helpers import bearer
from tests.factories import make_manager, make_staff
from tests.pesantren.import_helpers import registry_csv, registry_rows

URL = "/api/v1/staff/registry-imports"


def _tokens(app) -> tuple[str, str]:
    with app.app_context():
        staff = create_token(make_staff(), "dinas", ["read", "staff"])[1]
        manager = create_token(make_manager(), "opop", ["read", "listings", "deals"])[1]
    return staff, manager


def _sheet(data: bytes, name: str = "binaan.csv") -> dict:
    return {"filename": name, "content_base64": base64.b64encode(data).decode()}


def _post(client, url, token, key, **kw):
    return client.post(url, headers=bearer(token, **{"Idempotency-Key": key}), **kw)


def test_upload_preview_confirm_adds_the_pesantren_once(app, client):
    staff, _manager = _tokens(app)
    rows = registry_rows(3)
    rows[2] = (rows[2][0], "123", *rows[2][2:])  # a bad NSPP: refused
    sent = _post(client, URL, staff, "up-1", json=_sheet(registry_csv(rows)))
    assert sent.status_code == 201, sent.json
    body = sent.json
    assert body["counts"] == {"new": 2, "same": 0, "refused": 1}
    assert body["confirmable"] is True
    assert [r["status"] for r in body["lines"]] == ["new", "new", "refused"]
    assert body["lines"][0]["name"] == "Pondok Pesantren Impor 0"
    assert body["lines"][0]["phone"] == "+6281200000000"
    assert body["lines"][2]["problems"] and "NSPP" in body["lines"][2]["problems"][0]
    token = body["token"]
    assert sent.headers["Location"].endswith(f"{URL}/{token}")

    again = client.get(f"{URL}/{token}", headers=bearer(staff))
    assert again.status_code == 200
    assert again.json["counts"] == body["counts"]

    done = _post(client, f"{URL}/{token}/confirm", staff, "confirm-1")
    assert done.status_code == 200, done.json
    assert done.json == {"created": 2, "same": 0, "refused": 1}
    with app.app_context():
        made = db.session.scalars(select(Pesantren).where(Pesantren.name.like("%Impor%"))).all()
        assert {p.status for p in made} == {PesantrenStatus.VERIFIED} and len(made) == 2

    twice = _post(client, f"{URL}/{token}/confirm", staff, "confirm-2")
    assert twice.status_code == 404  # a used upload is gone, as on the page
    assert twice.headers["Content-Type"].startswith("application/problem+json")
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(Pesantren).where(Pesantren.name.like("%Impor%"))
            )
            == 2
        )


def test_a_manager_token_is_refused(app, client):
    _staff, manager = _tokens(app)
    sent = _post(client, URL, manager, "up-m", json=_sheet(registry_csv(registry_rows(1))))
    assert sent.status_code == 403
    assert client.get("/api/v1/staff/invitations", headers=bearer(manager)).status_code == 403


def test_broken_files_are_refused_in_the_readers_language(app, client):
    staff, _manager = _tokens(app)
    en = {"Accept-Language": "en"}
    columns = client.post(
        URL,
        headers=bearer(staff, **{"Idempotency-Key": "b1"}, **en),
        json=_sheet(b"kolom;lain\r\n1;2\r\n"),
    )
    assert columns.status_code == 400
    assert columns.headers["Content-Type"].startswith("application/problem+json")
    assert columns.json["detail"].startswith("Required columns not found: ")
    not_sheet = client.post(
        URL,
        headers=bearer(staff, **{"Idempotency-Key": "b2"}, **en),
        json=_sheet(b"%PDF-1.4", "surat.pdf"),
    )
    assert not_sheet.status_code == 400
    assert "CSV" in not_sheet.json["detail"]
    not_base64 = client.post(
        URL,
        headers=bearer(staff, **{"Idempotency-Key": "b3"}, **en),
        json={"filename": "a.csv", "content_base64": "not base64!"},
    )
    assert not_base64.status_code == 400
    assert not_base64.json["detail"].startswith("The file cannot be read")
    assert not_base64.json["errors"][0]["field"] == "content_base64"
    too_big = client.post(
        URL,
        headers=bearer(staff, **{"Idempotency-Key": "b4"}, **en),
        json=_sheet(b"x" * (10 * 1024 * 1024 + 1), "besar.csv"),
    )
    assert too_big.status_code == 400
    assert "10 MB" in too_big.json["detail"]


def test_invitations_are_listed_and_one_is_sent_again(app, client):
    staff, _manager = _tokens(app)
    sent = _post(client, URL, staff, "up-i", json=_sheet(registry_csv(registry_rows(1))))
    _post(client, f"{URL}/{sent.json['token']}/confirm", staff, "confirm-i")
    waiting = client.get("/api/v1/staff/invitations", headers=bearer(staff))
    assert waiting.status_code == 200
    (item,) = waiting.json["items"]
    assert item["email"] == "impor0@contoh.id"
    assert item["pesantren_name"] == "Pondok Pesantren Impor 0"
    again = _post(client, f"/api/v1/staff/invitations/{item['user_id']}/resend", staff, "r-1")
    assert again.status_code == 200, again.json
    assert again.json["pesantren_name"] == "Pondok Pesantren Impor 0"
    assert "/akun/undangan/" in again.json["share_text"]
    assert again.json["whatsapp_url"].startswith("https://wa.me/6281200000000?text=")
    # the one-time link is not kept with the key: a retry is told so, and acts no more
    retried = _post(client, f"/api/v1/staff/invitations/{item['user_id']}/resend", staff, "r-1")
    assert retried.status_code == 409 and retried.headers["Idempotent-Replayed"] == "true"
    assert "sekali" in retried.json["detail"] and "/akun/undangan/" not in retried.text
    with app.app_context():
        stored = db.session.scalars(select(IdempotentAnswer.body)).all()
    assert not any("/akun/undangan/" in body for body in stored)
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "impor0@contoh.id"))
        manager_id = db.session.scalar(select(User.id).where(User.id != user_id).limit(1))
    assert user_id == item["user_id"]
    # an account that is not waiting for its password: 404
    other = _post(client, f"/api/v1/staff/invitations/{manager_id}/resend", staff, "r-2")
    assert other.status_code == 404
