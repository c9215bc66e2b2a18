"""Queue mail inside a transaction; deliver it after the commit.

``queue_email`` only adds a row. ``deliver_pending`` sends what is due, one row at a time, each
marked sent in its own commit, so a crash can at worst repeat the one message in flight.

Mail is never sent inside a web request (an SMTP server that never answers would hold the
worker): the scheduler's outbox job (every OUTBOX_INTERVAL_SECONDS) and ``flask exchange
send-mail`` deliver. Several senders may run at once:
before sending a row, a sender claims it with one conditional UPDATE that sets
``claimed_until = now + OUTBOX_CLAIM_SECONDS`` where the row is pending and not claimed (or its
claim ran out). Only the sender whose UPDATE matched the row sends it. A sender killed mid-send
leaves its one claim behind; the row is sent again once the claim runs out.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, text, update

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


SCRUBBED = "[removed after sending: this message held a secret link]"


def queue_email(
    to, subject, text, html=None, headers=None, dedupe_key=None, flush=True, sensitive=False
) -> OutboxMessage:
    """Add a message to the outbox in the current transaction (flush only).

    ``flush=False`` lets a bulk caller (the digest run) have many rows inserted at once.
    ``sensitive=True`` (a reset link): the bodies are blanked once the message leaves.
    Nothing is ever sent inside the request: the scheduler's outbox job delivers.
    """
    msg = OutboxMessage(
        to_address=to,
        subject=str(subject),
        text_body=text,
        html_body=html,
        headers=headers or {},
        dedupe_key=dedupe_key,
        next_attempt_at=utcnow(),
        sensitive=sensitive,
    )
    db.session.add(msg)
    if flush:
        db.session.flush()
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
    lease = timedelta(seconds=int(current_app.config["OUTBOX_CLAIM_SECONDS"]))
    try:
        for start in range(0, len(ids), READ_BATCH):
            for row in _pending_rows(ids[start : start + READ_BATCH]):
                if not _claim(row.id, lease):
                    continue  # another sender has it
                outcome, values = _send_one(backend, row, now)
                if row.sensitive and outcome != "retry":
                    values.update(text_body=SCRUBBED, html_body=None)
                _record_outcome(row.id, values)
                counts[outcome] += 1
    finally:
        backend.close()
    return counts


def _claim(msg_id: int, lease: timedelta) -> bool:
    """Claim one pending row for this sender (its own short commit). True when the claim is ours.

    The clock is the real one, not the caller's ``now``: claims are between senders running now.
    """
    t = OutboxMessage
    moment = utcnow()
    _fast_commit()
    claimed = db.session.execute(
        update(t)
        .where(t.id == msg_id, t.status == OutboxStatus.PENDING)
        .where(or_(t.claimed_until.is_(None), t.claimed_until < moment))
        .values(claimed_until=moment + lease)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _pending_rows(ids: list[int]):
    t = OutboxMessage
    columns = (
        t.id,
        t.to_address,
        t.subject,
        t.text_body,
        t.html_body,
        t.headers,
        t.attempts,
        t.sensitive,
    )
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
        "claimed_until": None,  # a retry is open to any sender once it is due
    }


def _fast_commit() -> None:
    """Do not wait for the WAL flush on this transaction's commit (PostgreSQL).

    Safe for claims and outcomes: if the database server itself crashed right after, the claim
    or outcome is lost and the message is sent again (a duplicate, never a loss). It makes the
    per-message commits several times cheaper.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def _record_outcome(msg_id: int, values: dict) -> None:
    _fast_commit()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == msg_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
