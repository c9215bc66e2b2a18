"""A 422/400 schema refusal names each field with a message in the request's language:
Indonesian by default, English with Accept-Language: en."""

from __future__ import annotations

import pytest

from tests.api.helpers import bearer, build_world


@pytest.fixture
def world(app):
    with app.app_context():
        return build_world()


BODY = {"side": "offer", "quantity": 0, "price": "murah", "note": "x" * 2000, "warna": "biru"}


def _errors(client, token, language=None):
    headers = bearer(token, **{"Idempotency-Key": f"v-{language}"})
    if language:
        headers["Accept-Language"] = language
    answer = client.post("/api/v1/listings", json=BODY, headers=headers)
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json"
    assert answer.json["type"] == "/api/v1/problems/invalid-request"
    return {e["field"]: e["detail"] for e in answer.json["errors"]}


def test_field_messages_are_indonesian_by_default(client, world):
    errors = _errors(client, world.seller_token)
    assert errors["commodity"] == "Wajib diisi."
    assert errors["quantity"] == "Harus paling sedikit 1."
    assert errors["price"] == "Harus bilangan bulat."
    assert errors["note"] == "Paling banyak 1000 karakter."
    assert errors["warna"] == "Isian ini tidak dikenal."


def test_field_messages_are_english_when_asked(client, world):
    errors = _errors(client, world.seller_token, "en")
    assert errors["commodity"] == "Required."
    assert errors["quantity"] == "Must be at least 1."
    assert errors["price"] == "Must be a whole number."
    assert errors["note"] == "At most 1000 characters."
    assert errors["warna"] == "This field is not known."


@pytest.mark.parametrize("body", [b"null", b"[]", b"0", b"false", b'""', b"{"])
def test_a_body_that_is_not_a_json_object_is_refused_and_nothing_moves(app, client, world, body):
    """spectree reads a falsy or unparsable body as ``{}``: a withdrawal, whose note is
    optional, went through on ``null``."""
    headers = bearer(world.buyer_token, **{"Idempotency-Key": "null-body"})
    headers["Accept-Language"] = "en"
    path = f"/api/v1/deals/{world.deal_id}/withdraw"
    answer = client.post(path, data=body, headers=headers, content_type="application/json")
    assert answer.status_code == 400, answer.text
    assert answer.json["type"] == "/api/v1/problems/invalid-request"
    assert answer.json["errors"] == [
        {"field": "body", "detail": "The request body must be a JSON object."}
    ]
    shown = client.get(f"/api/v1/deals/{world.deal_id}", headers=bearer(world.buyer_token))
    assert shown.json["state"] == "negotiating"
    withdrawn = client.post(path, json={}, headers=headers)  # the key was left free
    assert withdrawn.status_code == 200 and withdrawn.json["state"] == "withdrawn"
