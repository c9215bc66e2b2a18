"""The local Cloud API (exchange/whatsapp/sandbox.py on a real socket) and a confirmed number."""

from __future__ import annotations

import pytest

from exchange.mail.outbox import deliver_pending
from exchange.whatsapp import sandbox, services

APP_SECRET = "webhook-app-secret"  # noqa: S105 - tests only
VERIFY_TOKEN = "verify-me"  # noqa: S105 - tests only


@pytest.fixture
def provider(app):
    """The sandbox provider, and the app configured to send to it (the channel on)."""
    box = sandbox.Sandbox()
    server = sandbox.serve(box)
    port = server.server_address[1]
    app.config.update(
        WHATSAPP_API_BASE=f"http://127.0.0.1:{port}/v21.0",
        WHATSAPP_PHONE_NUMBER_ID=box.phone_number_id,
        WHATSAPP_TOKEN=box.token,
        WHATSAPP_APP_SECRET=APP_SECRET,
        WHATSAPP_VERIFY_TOKEN=VERIFY_TOKEN,
        WHATSAPP_TIMEOUT=5,
        OUTBOX_SENDERS=1,
    )
    yield box
    server.shutdown()
    server.server_close()


def confirm_number(box, user, phone: str = "0812 3456 7001", **choices):
    """Through the services, as the account page does: send the code, deliver it, type it back,
    then choose WhatsApp (or what ``choices`` say) for every kind."""
    services.send_code(user, phone)
    deliver_pending()
    code = box.accepted[-1]
    assert code.template == "bursa_code"
    services.confirm(user, code.body[0])
    kinds = dict.fromkeys(services.Kind, "whatsapp")
    kinds.update(choices)
    services.set_preferences(user, {str(k): v for k, v in kinds.items()})
