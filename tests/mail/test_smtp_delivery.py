import socket
import threading
import time
from email import message_from_bytes
from email.policy import default

from aiosmtpd.controller import Controller
from sqlalchemy import select

from exchange.extensions import db
from exchange.mail.models import OutboxMessage
from exchange.mail.outbox import SCRUBBED, deliver_pending
from tests.factories import make_manager
from tests.mail.conftest import Recorder


def _forgot(app, client):
    with app.app_context():
        email = make_manager().email
    client.post("/akun/lupa-sandi", data={"email": email})
    return email


def _send(app, **kw):
    """What the scheduler's outbox job does."""
    with app.app_context():
        return deliver_pending(**kw)


def _body(envelope) -> str:
    return message_from_bytes(envelope.content, policy=default).get_body().get_content()


def test_reset_mail_reaches_the_smtp_server_and_the_link_leaves_the_outbox(
    app, client, smtp_server
):
    email = _forgot(app, client)
    assert smtp_server.messages == []  # never sent inside the request
    assert _send(app)["sent"] == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == [email]
    assert "/akun/atur-ulang/" in _body(envelope)
    with app.app_context():
        row = db.session.scalar(select(OutboxMessage))
        assert row.status == "sent" and row.attempts == 1
        assert row.text_body == SCRUBBED and "atur-ulang" not in (row.html_body or "")


def test_server_down_keeps_the_row_pending_then_delivers(app, client, smtp_config):
    _forgot(app, client)  # nothing listens: the page still works
    assert _send(app)["retry"] == 1
    with app.app_context():
        row = db.session.scalar(select(OutboxMessage))
        assert row.status == "pending" and row.attempts == 1
        assert "/akun/atur-ulang/" in row.text_body  # kept until it is sent
        assert row.last_error
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
    assert _send(app)["failed"] == 1
    with app.app_context():
        row = db.session.scalar(select(OutboxMessage))
        assert row.status == "failed"
        assert "550" in row.last_error and row.text_body == SCRUBBED
    assert smtp_server.messages == []


def test_forgot_password_returns_at_once_when_the_smtp_server_never_answers(app, client):
    """A socket that accepts and never replies: the request must not wait for it."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    accepted = []
    stop = threading.Event()

    def accept():
        silent.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(silent.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=silent.getsockname()[1])
    try:
        with app.app_context():
            email = make_manager().email
        started = time.monotonic()
        response = client.post("/akun/lupa-sandi", data={"email": email})
        elapsed = time.monotonic() - started
        assert response.status_code == 302
        assert accepted == []  # the request never even connected
        print(f"forgot-password with a silent SMTP server: {elapsed * 1000:.0f} ms")
        with app.app_context():
            assert db.session.scalar(select(OutboxMessage.status)) == "pending"
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        silent.close()
