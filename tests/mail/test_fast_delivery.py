"""Delivery in bulk: messages written without the email package's object tree read back the
same, one SMTP connection per sender carries many messages, and no message goes twice."""

from __future__ import annotations

from collections import Counter
from email import message_from_bytes
from email.policy import default

from aiosmtpd.controller import Controller
from sqlalchemy import select

from exchange.extensions import db
from exchange.mail.backends import MessageWriter
from exchange.mail.models import OutboxMessage, OutboxStatus
from exchange.mail.outbox import deliver_pending, queue_email
from tests.mail.conftest import Recorder, free_port


class Sessions(Recorder):
    def __init__(self):
        super().__init__()
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.sessions += 1
        session.host_name = hostname
        return responses


def test_a_written_message_reads_back_as_written(app):
    text = "Harga Rp\u00a01.500/kg — ąčę\n.\nbaris terakhir\n" + "x" * 200
    html = '<p style="a=b">Rp\u00a01.500 <a href="http://x/?a=1&amp;b=2">tautan</a></p>'
    raw = MessageWriter(app.config).write(
        to="pembaca@contoh.id",
        subject="Ringkasan — Pondok Pesantren Al-Ikhlāṣ",
        text=text,
        html=html,
        headers={"List-Unsubscribe": "<http://x/berhenti/abc>", "X-Digest-Key": "digest:1"},
    )
    assert all(len(line) <= 998 for line in raw.data.split(b"\r\n"))
    msg = message_from_bytes(raw.data, policy=default)
    assert msg["Subject"] == "Ringkasan — Pondok Pesantren Al-Ikhlāṣ"
    assert msg["To"] == "pembaca@contoh.id" and msg["X-Digest-Key"] == "digest:1"
    assert msg["List-Unsubscribe"] == "<http://x/berhenti/abc>"
    assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n") == text
    assert msg.get_body(("html",)).get_content().replace("\r\n", "\n").strip() == html
    assert raw.sender == "noreply@bursa-pesantren.local"


def test_a_header_value_cannot_inject_another_header(app):
    raw = MessageWriter(app.config).write(
        to="a@contoh.id", subject="Hai\r\nBcc: b@contoh.id", text="x"
    )
    assert message_from_bytes(raw.data, policy=default)["Bcc"] is None


def test_many_messages_over_few_connections_each_exactly_once(app):
    handler = Sessions()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    try:
        with app.app_context():
            for i in range(120):
                queue_email(f"pembaca{i}@contoh.id", f"Pesan {i}", f"Isi pesan {i}", "<p>isi</p>")
            db.session.commit()
            assert deliver_pending(senders=3) == {"sent": 120, "retry": 0, "failed": 0}
            statuses = Counter(db.session.scalars(select(OutboxMessage.status)))
    finally:
        controller.stop()
    assert statuses == {OutboxStatus.SENT: 120}
    received = Counter(rcpt for env in handler.messages for rcpt in env.rcpt_tos)
    assert len(received) == 120 and set(received.values()) == {1}
    assert handler.sessions <= 3  # one connection per sender thread, not one per message
