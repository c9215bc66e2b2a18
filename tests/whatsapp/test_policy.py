"""The pure cores of the channel: who gets what where, the codes, reading the webhook."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exchange.whatsapp import codes, webhook
from exchange.whatsapp.policy import Channel, Kind, is_stop_reply, wants_email, wants_whatsapp

NOW = datetime(2027, 1, 4, 6, 0, tzinfo=UTC)


@given(
    st.dictionaries(
        st.sampled_from([k.value for k in Kind]),
        st.sampled_from([*[c.value for c in Channel], "fax"]),
    ),
    st.sampled_from(list(Kind)),
    st.booleans(),
)
def test_every_message_goes_somewhere_and_whatsapp_only_when_chosen_and_reachable(
    preferences, kind, reachable
):
    wa = wants_whatsapp(preferences, kind, reachable)
    email = wants_email(preferences, kind, reachable)
    assert wa or email  # never lost between the channels
    chosen = preferences.get(kind.value, "email")
    assert wa == (reachable and chosen in ("whatsapp", "both"))
    assert email == (not reachable or chosen not in ("whatsapp",))


@pytest.mark.parametrize("text", ["BERHENTI", "berhenti", " Berhenti. ", "STOP", "stop!"])
def test_the_stop_reply_is_understood_as_people_type_it(text):
    assert is_stop_reply(text)


@pytest.mark.parametrize("text", ["", "berhenti dulu ya", "halo", "STOPPED"])
def test_other_replies_do_not_stop(text):
    assert not is_stop_reply(text)


def test_a_code_has_six_digits_and_only_its_keyed_hash_matches():
    code = codes.new_code(lambda n: 4711)
    assert code == "004711"
    stored = codes.code_hash("secret", 7, "+6281234567001", code)
    assert code not in stored and stored != hashlib.sha256(code.encode()).hexdigest()
    assert codes.matches(stored, "secret", 7, "+6281234567001", " 004 711 ")
    assert not codes.matches(stored, "secret", 8, "+6281234567001", code)  # another account
    assert not codes.matches(stored, "secret", 7, "+6281234567002", code)  # another number
    assert not codes.matches(stored, "other", 7, "+6281234567001", code)
    assert not codes.matches(stored, "secret", 7, "+6281234567001", "4711")


def test_three_codes_an_hour_five_tries_ten_minutes():
    sent = [NOW - timedelta(minutes=m) for m in (5, 30, 59)]
    assert not codes.may_send(sent, NOW)
    assert codes.may_send(sent, NOW + timedelta(minutes=2))  # the oldest left the hour
    expires = NOW + codes.VALID_FOR
    assert codes.usable(expires, 4, False, NOW + timedelta(minutes=9, seconds=59))
    assert not codes.usable(expires, 5, False, NOW)
    assert not codes.usable(expires, 0, False, expires)
    assert not codes.usable(expires, 0, True, NOW)


def test_the_signature_is_the_hmac_of_the_raw_body():
    body = b'{"object":"whatsapp_business_account"}'
    good = "sha256=" + hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
    assert webhook.signature_ok("app-secret", body, good)
    assert not webhook.signature_ok("app-secret", body + b" ", good)
    assert not webhook.signature_ok("app-secret", body, good.replace("sha256=", "sha1="))
    assert not webhook.signature_ok("", body, webhook.signature("", body))  # no secret: refuse
    assert not webhook.signature_ok("app-secret", body, None)


def test_the_payload_gives_statuses_and_replies_and_skips_the_rest():
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "1",
                "changes": [
                    {"field": "account_update", "value": {}},
                    {
                        "field": "messages",
                        "value": {
                            "statuses": [
                                {"id": "wamid.1", "status": "delivered"},
                                {"id": "wamid.2", "status": "bogus"},
                            ],
                            "messages": [
                                {"from": "6281", "type": "text", "text": {"body": "BERHENTI"}},
                                {"from": "6282", "type": "image", "image": {}},
                                "junk",
                            ],
                        },
                    },
                ],
            },
            "junk",
        ],
    }
    statuses, replies = webhook.read(payload)
    assert statuses == [webhook.Status("wamid.1", "delivered")]
    assert replies == [webhook.Reply("6281", "BERHENTI"), webhook.Reply("6282", "")]
    with pytest.raises(ValueError):
        webhook.read({"object": "page"})
