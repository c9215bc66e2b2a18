"""The local provider takes exactly the Cloud API's template message and refuses the rest."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from exchange.mail.whatsapp import template_payload
from exchange.whatsapp import sandbox


@pytest.fixture
def box():
    b = sandbox.Sandbox()
    server = sandbox.serve(b)
    b.url = f"http://127.0.0.1:{server.server_address[1]}/v21.0/{b.phone_number_id}/messages"
    yield b
    server.shutdown()
    server.server_close()


def post(box, payload, token=None, content_type="application/json", url=None):
    request = urllib.request.Request(  # noqa: S310 - the test's own local server
        url or box.url,
        data=json.dumps(payload).encode() if not isinstance(payload, bytes) else payload,
        method="POST",
        headers={"Authorization": f"Bearer {token or box.token}", "Content-Type": content_type},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


GOOD = template_payload("+6281234567001", "bursa_proposal", "id", ["#1", "Garam"], "kesepakatan/1")


def test_the_documented_request_is_accepted_and_answered_with_a_message_id(box):
    status, answer = post(box, GOOD)
    assert status == 200
    assert answer["messages"][0]["id"].startswith("wamid.")
    assert answer["contacts"][0]["wa_id"] == "6281234567001"
    (message,) = box.accepted
    assert (message.template, message.language, message.body, message.button) == (
        "bursa_proposal",
        "id",
        ["#1", "Garam"],
        "kesepakatan/1",
    )


def _without(d, key):
    return {k: v for k, v in d.items() if k != key}


@pytest.mark.parametrize(
    "payload, status",
    [
        (_without(GOOD, "messaging_product"), 400),
        ({**GOOD, "type": "text", "text": {"body": "hi"}}, 400),
        ({**GOOD, "extra": 1}, 400),
        ({**GOOD, "to": "not-a-number"}, 400),
        ({**GOOD, "template": {**GOOD["template"], "name": "bursa_unknown"}}, 404),
        ({**GOOD, "template": _without(GOOD["template"], "language")}, 400),
        (
            template_payload("+628123", "bursa_proposal", "id", ["#1"], "kesepakatan/1"),
            400,
        ),  # one body parameter too few
        (
            template_payload("+6281234567001", "bursa_proposal", "id", ["#1", "a\nb"], "x/1"),
            400,
        ),
    ],
)
def test_anything_else_is_refused_with_the_apis_error_object(box, payload, status):
    got, answer = post(box, payload)
    assert got == status
    assert set(answer["error"]) >= {"message", "code"}
    assert box.accepted == []


def test_a_wrong_token_path_or_content_type_is_refused(box):
    assert post(box, GOOD, token="wrong")[0] == 401
    assert post(box, GOOD, content_type="text/plain")[0] == 400
    assert post(box, GOOD, url=box.url.replace("/messages", "/other"))[0] == 404
    assert post(box, b"{not json")[0] == 400
    assert box.accepted == []
