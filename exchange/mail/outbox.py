"""Queue mail inside a transaction; deliver it after the commit.

``queue_email`` only adds a row. ``deliver_pending`` sends what is due, one row at a time, each
marked sent in its own commit, so a crash can at worst repeat the one message in flight.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import event, or_, select, text, update
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
READ_BATCH = 200
_SESSION_FLAG = "outbox_dirty"


def queue_email(
    to, subject, text, html=None, headers=None, dedupe_key=None, flush=True
) -> OutboxMessage:
    """Add a message to the outbox in the current transaction (flush only).

    ``flush=False`` lets a bulk caller (the digest run) have many rows inserted at once.
    """
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
    if flush:
        db.session.flush()
    db.session.info[_SESSION_FLAG] = True
    return msg


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, capped at two hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def deliver_pending(limit: int | None = None, now=None) -> dict:
    """Send due outbox rows. Returns counts of sent, retried and failed messages.

    Rows are read in batches as plain values; each outcome is written by a conditional UPDATE
    and committed on its own, so a crash can at worst repeat the one message in flight.
    """
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
        for start in range(0, len(ids), READ_BATCH):
            for row in _pending_rows(ids[start : start + READ_BATCH]):
                outcome, values = _send_one(backend, row, now)
                _record_outcome(row.id, values)
                counts[outcome] += 1
    finally:
        backend.close()
    return counts


def _pending_rows(ids: list[int]):
    t = OutboxMessage
    columns = (t.id, t.to_address, t.subject, t.text_body, t.html_body, t.headers, t.attempts)
    rows = db.session.execute(
        select(*columns).where(t.id.in_(ids), t.status == OutboxStatus.PENDING).order_by(t.id)
    ).all()
    db.session.commit()  # end the read; every outcome below is its own short transaction
    return rows


def _send_one(backend, row, now) -> tuple[str, dict]:
    message = build_message(
        current_app.config,
        to=row.to_address,
        subject=row.subject,
        text=row.text_body,
        html=row.html_body,
        headers=row.headers,
    )
    attempts = row.attempts + 1
    try:
        backend.send(message, key=f"{row.id:08d}")
    except PermanentFailure as exc:
        return "failed", _values(attempts, OutboxStatus.FAILED, str(exc))
    except TemporaryFailure as exc:
        if attempts >= MAX_ATTEMPTS:
            return "failed", _values(attempts, OutboxStatus.FAILED, str(exc))
        values = _values(attempts, OutboxStatus.PENDING, str(exc))
        values["next_attempt_at"] = now + backoff(attempts)
        return "retry", values
    values = _values(attempts, OutboxStatus.SENT, None)
    values["sent_at"] = utcnow()
    return "sent", values


def _values(attempts: int, status: OutboxStatus, error: str | None) -> dict:
    return {
        "attempts": attempts,
        "status": status.value,
        "last_error": error[:500] if error else None,
    }


def _record_outcome(msg_id: int, values: dict) -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        # Not waiting for the WAL flush is safe here: if the database server itself crashed
        # right after, the outcome is lost and the message is sent again (a duplicate, never
        # a loss). It makes the per-message commit several times cheaper.
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == msg_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


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
