"""Queue mail inside a transaction; deliver it after the commit.

``queue_email`` only adds a row. ``deliver_pending`` sends what is due, one row at a time, each
marked sent in its own commit, so a crash can at worst repeat the one message in flight.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session

from exchange.db import utcnow
from exchange.extensions import db
from exchange.mail.backends import (
    PermanentFailure,
    TemporaryFailure,
    build_message,
    make_backend,
)
from exchange.mail.models import OutboxMessage, OutboxStatus

MAX_ATTEMPTS = 8
_SESSION_FLAG = "outbox_dirty"


def queue_email(to, subject, text, html=None, headers=None, dedupe_key=None) -> OutboxMessage:
    """Add a message to the outbox in the current transaction (flush only)."""
    msg = OutboxMessage(
        to_address=to,
        subject=str(subject),
        text_body=text,
        html_body=html,
        headers=headers or {},
        dedupe_key=dedupe_key,
        next_attempt_at=utcnow(),
    )
    db.session.add(msg)
    db.session.flush()
    db.session.info[_SESSION_FLAG] = True
    return msg


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, capped at two hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def deliver_pending(limit: int | None = None, now=None) -> dict:
    """Send due outbox rows. Returns counts of sent, retried and failed messages."""
    now = now or utcnow()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING)
        .where(or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now))
        .order_by(OutboxMessage.id)
    )
    if limit:
        query = query.limit(limit)
    ids = list(db.session.scalars(query))
    if not ids:
        return counts
    backend = make_backend(current_app.config)
    try:
        for msg_id in ids:
            msg = db.session.get(OutboxMessage, msg_id)
            if msg is None or msg.status != OutboxStatus.PENDING:
                continue
            outcome = _send_one(backend, msg, now)
            counts[outcome] += 1
            db.session.commit()
    finally:
        backend.close()
    return counts


def _send_one(backend, msg: OutboxMessage, now) -> str:
    message = build_message(
        current_app.config,
        to=msg.to_address,
        subject=msg.subject,
        text=msg.text_body,
        html=msg.html_body,
        headers=msg.headers,
    )
    msg.attempts += 1
    try:
        backend.send(message, key=f"{msg.id:08d}")
    except PermanentFailure as exc:
        msg.status = OutboxStatus.FAILED
        msg.last_error = str(exc)[:500]
        return "failed"
    except TemporaryFailure as exc:
        msg.last_error = str(exc)[:500]
        if msg.attempts >= MAX_ATTEMPTS:
            msg.status = OutboxStatus.FAILED
            return "failed"
        msg.next_attempt_at = now + backoff(msg.attempts)
        return "retry"
    msg.status = OutboxStatus.SENT
    msg.sent_at = utcnow()
    msg.last_error = None
    return "sent"


def init_outbox(app: Flask) -> None:
    """After a request whose transaction queued mail and committed, deliver it."""

    @event.listens_for(Session, "after_rollback")
    def _forget(session):
        session.info.pop(_SESSION_FLAG, None)

    @app.after_request
    def _deliver(response):
        if db.session.info.pop(_SESSION_FLAG, False) and not db.session.new:
            try:
                deliver_pending(limit=20)
            except Exception:  # noqa: BLE001 - delivery must never break the page
                db.session.rollback()
                app.logger.exception("outbox delivery failed; the scheduler will retry")
        return response
