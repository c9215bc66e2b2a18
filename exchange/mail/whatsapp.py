"""The WhatsApp Business Cloud API as an outbox backend: template messages over HTTPS.

``POST {EXCHANGE_WHATSAPP_API_BASE}/{EXCHANGE_WHATSAPP_PHONE_NUMBER_ID}/messages`` with a bearer
token and the documented JSON (messaging_product, to, type=template, template{name,
language{code}, components}). The API has no idempotency key: the outbox marks each message at
once, so a crash resends at most the one in flight.

Connection errors, timeouts, 401/403 (a token to renew), 408, 429 and 5xx are temporary (the
outbox retries with backoff); any other 4xx (a number without WhatsApp, a template not
approved) is permanent.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from exchange.mail.backends import PermanentFailure, TemporaryFailure

TEMPORARY_STATUSES = {401, 403, 408, 429}


def enabled(config) -> bool:
    """The channel is on when the provider is configured; off, e-mail carries everything."""
    return all(
        config.get(k) for k in ("WHATSAPP_API_BASE", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_TOKEN")
    )


def template_payload(to: str, template: str, language: str, body: list, button=None) -> dict:
    """The request body of one template message (``to`` in E.164; the API takes digits)."""
    components: list[dict] = []
    if body:
        components.append(
            {"type": "body", "parameters": [{"type": "text", "text": str(v)} for v in body]}
        )
    if button is not None:
        components.append(
            {
                "type": "button",
                "sub_type": "url",
                "index": "0",
                "parameters": [{"type": "text", "text": str(button)}],
            }
        )
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to.removeprefix("+"),
        "type": "template",
        "template": {"name": template, "language": {"code": language}, "components": components},
    }


class WhatsAppBackend:
    def __init__(self, config):
        if not enabled(config):
            raise TemporaryFailure("the WhatsApp channel is not configured")
        base = str(config["WHATSAPP_API_BASE"]).rstrip("/")
        if not base.startswith(("https://", "http://")):
            raise TemporaryFailure("EXCHANGE_WHATSAPP_API_BASE must be an http(s) URL")
        self.url = f"{base}/{config['WHATSAPP_PHONE_NUMBER_ID']}/messages"
        self.token = str(config["WHATSAPP_TOKEN"])
        self.timeout = float(config.get("WHATSAPP_TIMEOUT", 10))

    def send(self, to: str, template: str, params: dict) -> str:
        """Send one template message; returns the provider's message id (``wamid...``)."""
        payload = template_payload(
            to,
            template,
            params.get("language", "id"),
            params.get("body", []),
            params.get("button"),
        )
        request = urllib.request.Request(  # noqa: S310 - the configured https (or test) base
            self.url,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
            },
        )
        try:
            # the scheme is checked in __init__ (http or https only)
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310  # nosec B310
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            detail = _error_detail(exc)
            if exc.code in TEMPORARY_STATUSES or exc.code >= 500:
                raise TemporaryFailure(f"{exc.code} {detail}") from exc
            raise PermanentFailure(f"{exc.code} {detail}") from exc
        except (OSError, ValueError) as exc:  # refused, reset, timeout, a garbled answer
            raise TemporaryFailure(str(exc)) from exc
        try:
            return str(answer["messages"][0]["id"])
        except (KeyError, IndexError, TypeError) as exc:
            raise TemporaryFailure(f"unexpected answer {str(answer)[:200]}") from exc

    def close(self) -> None:
        pass


def _error_detail(exc: urllib.error.HTTPError) -> str:
    try:
        error = json.loads(exc.read() or b"{}").get("error", {})
        return f"{error.get('code', '')} {error.get('message', '')}".strip()
    except (OSError, ValueError, AttributeError):
        return exc.reason or ""
