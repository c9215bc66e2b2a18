from email import message_from_bytes
from email.policy import default

from aiosmtpd.controller import Controller
from sqlalchemy import select

from exchange.db import utcnow
from exchange.extensions import db
from exchange.mail.models import OutboxMessage
from exchange.mail.outbox import deliver_pending
from tests.factories import make_manager
from tests.mail.conftest import Recorder


def _forgot(app, client):
    with app.app_context():
        email = make_manager().email
    client.post("/akun/lupa-sandi", data={"email": email})
    return email


def _body(envelope) -> str:
    return message_from_bytes(envelope.content, policy=default).get_body().get_content()


def test_reset_mail_reaches_the_smtp_server_after_commit(app, client, smtp_server):
    email = _forgot(app, client)
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == [email]
    assert "/akun/atur-ulang/" in _body(envelope)
    with app.app_context():
        row = db.session.scalar(select(OutboxMessage))
        assert row.status == "sent" and row.attempts == 1


def test_server_down_keeps_the_row_pending_then_delivers(app, client, smtp_config):
    _forgot(app, client)  # nothing listens: the page still works
    with app.app_context():
        row = db.session.scalar(select(OutboxMessage))
        assert row.status == "pending" and row.attempts == 1
        assert row.next_attempt_at > utcnow() and row.last_error
        assert deliver_pending()["sent"] == 0  # not due yet: backoff
    handler = Recorder()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_config)
    controller.start()
    try:
        with app.app_context():
            later = db.session.scalar(select(OutboxMessage.next_attempt_at))
            assert deliver_pending(now=later) == {"sent": 1, "retry": 0, "failed": 0}
            row = db.session.scalar(select(OutboxMessage))
            assert row.status == "sent" and row.attempts == 2
    finally:
        controller.stop()
    assert "/akun/atur-ulang/" in _body(handler.messages[0])


def test_a_550_reply_marks_the_message_failed(app, client, smtp_server):
    smtp_server.refuse = True
    _forgot(app, client)
    with app.app_context():
        row = db.session.scalar(select(OutboxMessage))
        assert row.status == "failed"
        assert "550" in row.last_error
    assert smtp_server.messages == []
