"""The account page's channel choices through the API: read with ``read``, change with
``account``, the same service as the page's card."""

from __future__ import annotations

import typing

from sqlalchemy import select

from exchange.api import account_schemas
from exchange.api.tokens import create_token
from exchange.auth.models import User
from exchange.extensions import db
from exchange.whatsapp.models import WhatsAppContact
from exchange.whatsapp.policy import Channel, Kind
from tests.api.helpers import bearer
from tests.factories import make_manager
from tests.whatsapp.conftest import confirm_number, provider  # noqa: F401 - the fixture


def test_the_documented_kinds_and_channels_are_the_policys():
    assert set(typing.get_args(account_schemas.KindName)) == {k.value for k in Kind}
    assert set(typing.get_args(account_schemas.ChannelName)) == {c.value for c in Channel}


def _tokens(app, box=None):
    with app.app_context():
        user = make_manager()
        if box is not None:
            confirm_number(box, user, digest="email")
        full = create_token(user, "alat", ["read", "account"])[1]
        read_only = create_token(user, "baca", ["read"])[1]
        return user.id, full, read_only


def test_a_token_reads_and_changes_the_channels_and_stops_whatsapp(app, client, provider):  # noqa: F811
    user_id, full, read_only = _tokens(app, provider)
    got = client.get("/api/v1/account/channels", headers=bearer(read_only))
    assert got.status_code == 200
    assert got.json["whatsapp"] == {
        "enabled": True,
        "number": "+62 812-****-7001",
        "stopped": False,
    }
    assert got.json["channels"]["digest"] == "email"
    assert got.json["channels"]["proposal"] == "whatsapp"
    body = {"channels": {"digest": "both"}, "stopped": True}
    refused = client.put(
        "/api/v1/account/channels", json=body, headers=bearer(read_only, **{"Idempotency-Key": "a"})
    )
    assert refused.status_code == 403
    put = client.put(
        "/api/v1/account/channels", json=body, headers=bearer(full, **{"Idempotency-Key": "b"})
    )
    assert put.status_code == 200
    assert put.json["channels"]["digest"] == "both" and put.json["whatsapp"]["stopped"] is True
    with app.app_context():
        contact = db.session.scalar(
            select(WhatsAppContact).where(WhatsAppContact.user_id == user_id)
        )
        assert contact.preferences["digest"] == "both" and contact.opted_out_at is not None


def test_unknown_kinds_or_channels_and_a_stop_without_a_number_are_refused(app, client):
    user_id, full, _ = _tokens(app)
    headers = bearer(full, **{"Idempotency-Key": "c"})
    bad = client.put(
        "/api/v1/account/channels", json={"channels": {"fax": "email"}}, headers=headers
    )
    assert bad.status_code in (400, 422)
    headers = bearer(full, **{"Idempotency-Key": "d"})
    bad = client.put(
        "/api/v1/account/channels", json={"channels": {"digest": "fax"}}, headers=headers
    )
    assert bad.status_code in (400, 422)
    headers = bearer(full, **{"Idempotency-Key": "e"})
    stop = client.put("/api/v1/account/channels", json={"stopped": True}, headers=headers)
    assert stop.status_code == 400 and stop.mimetype == "application/problem+json"
    got = client.get("/api/v1/account/channels", headers=bearer(full)).json
    assert got["whatsapp"] == {"enabled": False, "number": None, "stopped": False}
    assert set(got["channels"].values()) == {"email"}
    with app.app_context():
        assert db.session.get(User, user_id) is not None
