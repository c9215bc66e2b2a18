"""Queue mail inside a transaction; deliver it after the commit.

``queue_email`` only adds a row. ``deliver_pending`` sends what is due.

Mail is never sent inside a web request (an SMTP server that never answers would hold the
worker): the scheduler's outbox job (every OUTBOX_INTERVAL_SECONDS) and ``flask exchange
send-mail`` deliver. Rows queued with ``sensitive=True`` (reset links) have their bodies blanked
once sent or failed for good.

Several senders may run at once (the scheduler's outbox job, ``send-mail``, and the
``OUTBOX_SENDERS`` threads of one run): a sender claims a batch of due rows with one
conditional ``UPDATE ... SET claimed_until = now + OUTBOX_CLAIM_SECONDS WHERE id IN (due rows)
AND pending AND not claimed (or the claim ran out) RETURNING ...`` (on PostgreSQL the due rows are
picked ``FOR UPDATE SKIP LOCKED``, so senders take different rows instead of waiting). Only the
sender whose UPDATE matched a row sends it, over one SMTP connection for all its messages. Each
message is marked (sent, retry or failed) in its own short commit as soon as the server answered.

A sender killed mid-run leaves its claims behind: those rows are sent again once the claim runs
out. No channel offers an idempotency key, so the one message in flight (accepted by the server,
not yet marked) of each sender thread goes out twice; no other message does, and none is lost.
A sender never sends a row whose claim it may have lost (it checks the time before each message).
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import JSON, and_, case, literal, or_, select, text, update

from exchange.db import utcnow
from exchange.extensions import db
from exchange.mail.backends import (
    MessageWriter,
    PermanentFailure,
    TemporaryFailure,
    make_backend,
)
from exchange.mail.models import OutboxChannel, OutboxMessage, OutboxStatus
from exchange.mail.whatsapp import WhatsAppBackend

MAX_ATTEMPTS = 8
CLAIM_BATCH = 50  # rows claimed per UPDATE
SCRUBBED = "[removed after sending: this message held a secret link]"


def queue_email(
    to, subject, text, html=None, headers=None, dedupe_key=None, flush=True, sensitive=False
) -> OutboxMessage:
    """Add a message to the outbox in the current transaction (flush only).

    ``flush=False`` lets a bulk caller (the digest run) have many rows inserted at once.
    ``sensitive=True`` (a reset link): the bodies are blanked once the message leaves.
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


def queue_whatsapp(
    to, template, language, body, button=None, preview="", dedupe_key=None, sensitive=False
) -> OutboxMessage:
    """Add a WhatsApp template message to the outbox in the current transaction (flush only).

    ``to`` is an E.164 number, ``body`` the template's body parameters in order, ``button`` the
    URL button's parameter (the path after the base URL), ``preview`` the text as the reader
    will see it (for the staff and the local sandbox; never sent). ``sensitive``: a code; the
    parameters and the preview are blanked once the message leaves.
    """
    msg = OutboxMessage(
        channel=OutboxChannel.WHATSAPP.value,
        to_address=to,
        subject=template,
        text_body=preview,
        headers={"language": language, "body": [str(v) for v in body], "button": button},
        dedupe_key=dedupe_key,
        next_attempt_at=utcnow(),
        sensitive=sensitive,
    )
    db.session.add(msg)
    db.session.flush()
    return msg


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, capped at two hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def deliver_pending(limit: int | None = None, now=None, senders: int | None = None) -> dict:
    """Send due outbox rows. Returns counts of sent, retried and failed messages.

    ``senders`` threads (default ``OUTBOX_SENDERS``; one when a ``limit`` is given) each claim
    batches of rows and send them over their own SMTP connection until nothing is due.
    """
    now = now or utcnow()
    senders = 1 if limit else int(senders or current_app.config.get("OUTBOX_SENDERS", 1))
    if senders <= 1:
        return _send_due(now, limit)
    app = current_app._get_current_object()
    results: list[dict] = []
    errors: list[BaseException] = []

    def sender():
        try:
            with app.app_context():
                results.append(_send_due(now, None))
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - raised again below
            errors.append(exc)

    threads = [threading.Thread(target=sender, name=f"outbox-{i}") for i in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return {k: sum(r[k] for r in results) for k in ("sent", "retry", "failed")}


def _send_due(now, limit: int | None) -> dict:
    """One sender: claim a batch, send it, mark it; again until nothing is due (or ``limit``)."""
    config = current_app.config
    counts = {"sent": 0, "retry": 0, "failed": 0}
    lease = timedelta(seconds=int(config["OUTBOX_CLAIM_SECONDS"]))
    writer = MessageWriter(config)
    backends: dict[str, object] = {}
    try:
        while True:
            room = CLAIM_BATCH if limit is None else min(CLAIM_BATCH, limit - sum(counts.values()))
            if room <= 0:
                break
            rows, safe_until = _claim(now, lease, room)
            if not rows:
                break
            for row in rows:
                if time.monotonic() >= safe_until:
                    return counts  # our claims may run out: the rest waits for a sender
                outcome, values = _send_one(backends, writer, row, now)
                _record_outcome(row.id, values)  # at once: a kill now resends this one only
                counts[outcome] += 1
    finally:
        for backend in backends.values():
            backend.close()
    return counts


def _backend(backends: dict, channel: str):
    """The sender's connection for a channel, opened on its first message."""
    if channel not in backends:
        config = current_app.config
        if channel == OutboxChannel.WHATSAPP:
            backends[channel] = WhatsAppBackend(config)
        else:
            backends[channel] = make_backend(config)
    return backends[channel]


def _claim(now, lease: timedelta, n: int):
    """Claim up to ``n`` due rows for this sender (its own short commit) and return them with
    the monotonic time until which sending them is safe. The clock is the real one, not the
    caller's ``now``: claims are between senders running now."""
    t = OutboxMessage
    moment = utcnow()
    free = or_(t.claimed_until.is_(None), t.claimed_until < moment)
    due = (
        select(t.id)
        .where(t.status == OutboxStatus.PENDING, free)
        .where(or_(t.next_attempt_at.is_(None), t.next_attempt_at <= now))
        .order_by(t.id)
        .limit(n)
    )
    if _postgresql():
        due = due.with_for_update(skip_locked=True)
    _fast_commit()
    started = time.monotonic()
    rows = db.session.execute(
        update(t)
        .where(t.id.in_(due.scalar_subquery()), t.status == OutboxStatus.PENDING, free)
        .values(claimed_until=moment + lease)
        .returning(
            t.id,
            t.channel,
            t.to_address,
            t.subject,
            t.text_body,
            t.html_body,
            t.headers,
            t.attempts,
        )
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    # stop sending well before the claim runs out (a slow server, a long batch)
    return sorted(rows, key=lambda r: r.id), started + lease.total_seconds() * 0.8


def _send_one(backends: dict, writer: MessageWriter, row, now) -> tuple[str, dict]:
    attempts = row.attempts + 1
    provider_id = None
    try:
        if row.channel == OutboxChannel.WHATSAPP:
            backend = _backend(backends, row.channel)
            provider_id = backend.send(row.to_address, row.subject, row.headers or {})
        else:
            message = writer.write(
                to=row.to_address,
                subject=row.subject,
                text=row.text_body,
                html=row.html_body,
                headers=row.headers,
            )
            _backend(backends, OutboxChannel.EMAIL).send(message, key=f"{row.id:08d}")
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
    if provider_id is not None:
        values["provider_id"] = provider_id[:128]
    return "sent", values


def _values(attempts: int, status: OutboxStatus, error: str | None) -> dict:
    return {
        "attempts": attempts,
        "status": status.value,
        "last_error": error[:500] if error else None,
        "claimed_until": None,  # a retry is open to any sender once it is due
    }


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _fast_commit() -> None:
    """Do not wait for the WAL flush on this transaction's commit (PostgreSQL).

    Safe for claims and outcomes: if the database server itself crashed right after, the claim
    or outcome is lost and the message is sent again (a duplicate, never a loss). It makes the
    per-message commits several times cheaper.
    """
    if _postgresql():
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def _record_outcome(msg_id: int, values: dict) -> None:
    """Write one message's outcome in its own commit; a sent or failed row loses its secret in
    the same UPDATE."""
    _fast_commit()
    if values.get("status") != OutboxStatus.PENDING.value:
        values = {**values, **_scrub()}  # sent, or failed for good: the secret goes too
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == msg_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _scrub() -> dict:
    """Blank the bodies of sensitive rows (reset links) in the same UPDATE that closes them."""
    t = OutboxMessage
    return {
        "text_body": case((t.sensitive.is_(True), SCRUBBED), else_=t.text_body),
        "html_body": case((t.sensitive.is_(True), None), else_=t.html_body),
        # a WhatsApp code travels in the parameters: they go too
        "headers": case(
            (
                and_(t.sensitive.is_(True), t.channel == OutboxChannel.WHATSAPP),
                literal({}, JSON),
            ),
            else_=t.headers,
        ),
    }
