"""Reading the Cloud API's webhook: the signature, the statuses and the replies. Pure.

Meta signs each POST with ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed
with the app secret>``. The payload: ``{"object": "whatsapp_business_account", "entry": [{"id",
"changes": [{"field": "messages", "value": {"messaging_product": "whatsapp", "metadata",
"statuses": [{"id", "status", "timestamp", "recipient_id"}], "messages": [{"from", "id",
"timestamp", "type": "text", "text": {"body"}}]}}]}]}``.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

STATUSES = ("sent", "delivered", "read", "failed")


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """The header is the body's signature with our app secret (constant-time comparison).
    No secret configured: nothing is accepted."""
    if not secret or not header:
        return False
    return hmac.compare_digest(signature(secret, body).encode(), header.strip().encode())


@dataclass(frozen=True)
class Status:
    provider_id: str
    status: str


@dataclass(frozen=True)
class Reply:
    sender: str  # wa_id, digits only
    text: str


def read(payload) -> tuple[list[Status], list[Reply]]:
    """The delivery statuses and the text replies of a webhook payload; anything else is
    skipped. Raises ValueError when the payload is not a WhatsApp Business Account event."""
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        raise ValueError("not a whatsapp_business_account event")
    statuses: list[Status] = []
    replies: list[Reply] = []
    for entry in _list(payload.get("entry")):
        for change in _list(entry.get("changes") if isinstance(entry, dict) else None):
            if not isinstance(change, dict) or change.get("field") != "messages":
                continue
            value = change.get("value") if isinstance(change.get("value"), dict) else {}
            for s in _list(value.get("statuses")):
                if isinstance(s, dict) and s.get("status") in STATUSES and s.get("id"):
                    statuses.append(Status(str(s["id"]), s["status"]))
            for m in _list(value.get("messages")):
                if not isinstance(m, dict) or not m.get("from"):
                    continue
                text = ""
                if m.get("type") == "text" and isinstance(m.get("text"), dict):
                    text = str(m["text"].get("body", ""))
                elif m.get("type") == "button" and isinstance(m.get("button"), dict):
                    text = str(m["button"].get("text", ""))
                replies.append(Reply(str(m["from"]), text))
    return statuses, replies


def _list(value) -> list:
    return value if isinstance(value, list) else []
