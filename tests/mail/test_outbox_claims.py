"""Two senders at once (the web worker and the scheduler's outbox job): every message is sent
by exactly one of them, thanks to the claim each takes before sending."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import select, update

from exchange.db import utcnow
from exchange.extensions import db
from exchange.mail.models import OutboxMessage, OutboxStatus
from exchange.mail.outbox import deliver_pending, queue_email

MESSAGES = 60


def queue(n: int) -> None:
    for i in range(n):
        queue_email(f"pembaca{i}@contoh.id", f"Pesan {i}", f"Isi pesan {i}")
    db.session.commit()


def test_two_concurrent_senders_send_each_message_exactly_once(app, smtp_server):
    with app.app_context():
        queue(MESSAGES)
    start = threading.Barrier(2)
    results: list[dict] = []
    errors: list[BaseException] = []

    def sender():
        try:
            with app.app_context():
                start.wait()
                results.append(deliver_pending())
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    received = Counter(rcpt for env in smtp_server.messages for rcpt in env.rcpt_tos)
    assert len(received) == MESSAGES
    assert set(received.values()) == {1}  # nobody got a message twice
    assert sum(r["sent"] for r in results) == MESSAGES
    with app.app_context():
        statuses = set(db.session.scalars(select(OutboxMessage.status)))
    assert statuses == {OutboxStatus.SENT}


def test_a_claimed_message_waits_for_the_claim_to_run_out(app, smtp_server):
    with app.app_context():
        queue(2)
        first, second = db.session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id))
        # a sender killed mid-send left its claim on the first message
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == first)
            .values(claimed_until=utcnow() + timedelta(seconds=60))
        )
        db.session.commit()
        assert deliver_pending() == {"sent": 1, "retry": 0, "failed": 0}
        assert [env.rcpt_tos for env in smtp_server.messages] == [["pembaca1@contoh.id"]]
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == first)
            .values(claimed_until=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
        assert deliver_pending()["sent"] == 1  # the claim ran out: sent now
        assert len(smtp_server.messages) == 2
        row = db.session.get(OutboxMessage, first)
        assert row.status == OutboxStatus.SENT and row.claimed_until is None
        assert db.session.get(OutboxMessage, second).status == OutboxStatus.SENT
