"""The manager's WhatsApp number and choices; queueing WhatsApp messages; the webhook's effects.

Public functions that take an acting user commit once and raise Invalid when they refuse. The
``queue_*`` and ``*_for`` helpers run inside another service's transaction (flush only): they
are how deals, netting and digests send on WhatsApp.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError

from exchange.audit.services import record
from exchange.db import utcnow
from exchange.errors import Invalid
from exchange.extensions import db
from exchange.mail.models import OutboxChannel, OutboxMessage, OutboxStatus
from exchange.mail.outbox import queue_whatsapp
from exchange.mail.whatsapp import enabled
from exchange.phones import from_wa_id, normalise_mobile
from exchange.whatsapp import codes, templates
from exchange.whatsapp.models import WhatsAppCode, WhatsAppContact
from exchange.whatsapp.policy import CODE_TEMPLATE, TEMPLATES, Channel, Kind, is_stop_reply
from exchange.whatsapp.policy import wants_email as _wants_email
from exchange.whatsapp.policy import wants_whatsapp as _wants_whatsapp
from exchange.whatsapp.webhook import read

OPTED_OUT = "opted out of WhatsApp"


@dataclass(frozen=True)
class Target:
    """Where a reader's WhatsApp messages go, and what they chose."""

    user_id: int
    phone: str | None  # the confirmed number when reachable, else None
    preferences: dict
    language: str

    @property
    def reachable(self) -> bool:
        return self.phone is not None

    def wants_whatsapp(self, kind: Kind) -> bool:
        return _wants_whatsapp(self.preferences, kind, self.reachable)

    def wants_email(self, kind: Kind) -> bool:
        return _wants_email(self.preferences, kind, self.reachable)


def channel_on() -> bool:
    return enabled(current_app.config)


def contact_of(user) -> WhatsAppContact | None:
    return db.session.scalar(select(WhatsAppContact).where(WhatsAppContact.user_id == user.id))


def targets(users) -> dict[int, Target]:
    """``{user_id: Target}`` for the given users, in one query (the digest run's batches)."""
    users = list(users)
    on = channel_on()
    contacts = {}
    if on and users:
        contacts = {
            c.user_id: c
            for c in db.session.scalars(
                select(WhatsAppContact).where(WhatsAppContact.user_id.in_([u.id for u in users]))
            )
        }
    out = {}
    for u in users:
        c = contacts.get(u.id)
        phone = c.confirmed_phone if c is not None and c.opted_out_at is None else None
        out[u.id] = Target(
            u.id, phone, dict(c.preferences or {}) if c else {}, templates.language_for(u.locale)
        )
    return out


def target(user) -> Target:
    return targets([user])[user.id]


def page_path(url: str) -> str:
    """A page's address as the templates' URL button takes it: the path after the site."""
    base = current_app.config["BASE_URL"].rstrip("/") + "/"
    if url.startswith(base):
        return url[len(base) :]
    path = url.split("://", 1)[-1]
    return path.split("/", 1)[1] if "/" in path else ""


def queue_message(
    tgt: Target, kind: Kind, body: list, url: str, dedupe_key: str | None = None
) -> OutboxMessage | None:
    """Queue the kind's template to the reader when they chose WhatsApp for it and can be
    reached (flush only). Returns the outbox row, or None when nothing was queued."""
    if not tgt.wants_whatsapp(kind):
        return None
    name = TEMPLATES[kind]
    body = [templates.clean(v) for v in body]
    button = page_path(url)
    templates.check(name, tgt.language, body, button)
    preview = templates.preview(
        name, tgt.language, body, button, site=current_app.config["BASE_URL"]
    )
    return queue_whatsapp(
        tgt.phone, name, tgt.language, body, button, preview=preview, dedupe_key=dedupe_key
    )


# The account page ---------------------------------------------------------------------------


def send_code(user, raw_phone: str, now: datetime | None = None) -> WhatsAppContact:
    """Set the number to confirm and send it a code on WhatsApp. Raises Invalid when the
    channel is off, the number is not an Indonesian mobile number, another account confirmed
    it, or 3 codes went out in the last hour (to this account or this number)."""
    now = now or utcnow()
    if not channel_on():
        raise Invalid(_l("Pesan WhatsApp belum diaktifkan di server ini."), field="phone")
    try:
        phone = normalise_mobile(raw_phone)
    except ValueError:
        raise Invalid(
            _l("Nomor WhatsApp tidak valid; tulis seperti 0812 3456 7890 atau +62 812 3456 7890."),
            field="phone",
        ) from None
    taken = db.session.scalar(
        select(WhatsAppContact.user_id).where(
            WhatsAppContact.confirmed_phone == phone, WhatsAppContact.user_id != user.id
        )
    )
    if taken is not None:
        raise Invalid(_l("Nomor ini sudah dipakai akun lain."), field="phone")
    recent = db.session.scalars(
        select(WhatsAppCode.created_at).where(
            (WhatsAppCode.user_id == user.id) | (WhatsAppCode.phone == phone),
            WhatsAppCode.created_at > now - codes.HOUR,
        )
    ).all()
    if not codes.may_send(recent, now):
        raise Invalid(
            _l("Sudah 3 kode dikirim dalam satu jam terakhir. Coba lagi nanti."), field="phone"
        )
    contact = contact_of(user) or WhatsAppContact(user_id=user.id, preferences={})
    contact.phone = phone
    db.session.add(contact)
    code = codes.new_code(secrets.randbelow)
    secret = current_app.config["SECRET_KEY"]
    db.session.add(
        WhatsAppCode(
            user_id=user.id,
            phone=phone,
            code_hash=codes.code_hash(secret, user.id, phone, code),
            expires_at=now + codes.VALID_FOR,
            created_at=now,
        )
    )
    language = templates.language_for(user.locale)
    queue_whatsapp(
        phone,
        CODE_TEMPLATE,
        language,
        [code],
        code,  # the copy-code button carries the code too
        preview=templates.preview(CODE_TEMPLATE, language, [code]),
        sensitive=True,
    )
    record("whatsapp.code_sent", contact, actor=user)
    db.session.commit()
    return contact


def confirm(user, typed: str, now: datetime | None = None) -> WhatsAppContact:
    """Confirm the number with the code sent to it. Raises Invalid for a wrong, spent or
    expired code (a wrong try is counted), or when another account confirmed the number first."""
    now = now or utcnow()
    contact = contact_of(user)
    if contact is None or contact.phone is None:
        raise Invalid(_l("Tulis nomor WhatsApp Anda dulu."), field="code")
    code = db.session.scalar(
        select(WhatsAppCode)
        .where(WhatsAppCode.user_id == user.id, WhatsAppCode.phone == contact.phone)
        .order_by(WhatsAppCode.id.desc())
        .limit(1)
    )
    if code is None or not codes.usable(code.expires_at, code.tries, code.used_at is not None, now):
        raise Invalid(_l("Kode sudah tidak berlaku; minta kode baru."), field="code")
    code.tries += 1
    secret = current_app.config["SECRET_KEY"]
    if not codes.matches(code.code_hash, secret, user.id, contact.phone, typed):
        db.session.commit()  # the try counts
        raise Invalid(_l("Kode salah."), field="code")
    code.used_at = now
    contact.confirmed_phone = contact.phone
    contact.confirmed_at = now
    contact.opted_out_at = None
    try:
        record("whatsapp.confirmed", contact, actor=user)  # flushes: the UNIQUE check
        db.session.commit()
    except IntegrityError:  # another account confirmed the same number just now
        db.session.rollback()
        raise Invalid(_l("Nomor ini sudah dipakai akun lain."), field="code") from None
    return contact


def set_preferences(user, choices: dict[str, str]) -> WhatsAppContact:
    """Store the channel of each kind of message. Raises Invalid for an unknown kind or channel."""
    return update_channels(user, choices)


def set_opted_out(user, stopped: bool, now: datetime | None = None) -> WhatsAppContact:
    """Stop (or restart) every WhatsApp message to the account's number, from the page.
    Raises Invalid when no number is confirmed."""
    return update_channels(user, {}, stopped, now)


def update_channels(
    user, choices: dict[str, str], stopped: bool | None = None, now: datetime | None = None
) -> WhatsAppContact:
    """The page's and the API's one write of the choices: the channel of each kind given, and
    (when ``stopped`` is not None) whether WhatsApp is stopped. Commits once. Raises Invalid
    for an unknown kind or channel, or a stop without a confirmed number."""
    clean = {}
    for key, value in choices.items():
        if key not in {k.value for k in Kind} or value not in {c.value for c in Channel}:
            raise Invalid(_l("Pilihan saluran tidak dikenal."), field=key)
        clean[key] = value
    contact = contact_of(user) or WhatsAppContact(user_id=user.id, preferences={})
    if stopped is not None and contact.confirmed_phone is None:
        raise Invalid(_l("Belum ada nomor WhatsApp yang dikonfirmasi."), field="stopped")
    db.session.add(contact)
    if clean:
        contact.preferences = {**(contact.preferences or {}), **clean}
        record("whatsapp.preferences", contact, actor=user, **clean)
    if stopped is not None:
        if stopped and contact.opted_out_at is None:
            contact.opted_out_at = now or utcnow()
            _drop_pending(contact.confirmed_phone)
            record("whatsapp.opt_out", contact, actor=user)
        elif not stopped and contact.opted_out_at is not None:
            contact.opted_out_at = None
            record("whatsapp.opt_in", contact, actor=user)
    db.session.commit()
    return contact


def remove_number(user) -> None:
    """Forget the account's number (messages go by e-mail again)."""
    contact = contact_of(user)
    if contact is None:
        return
    if contact.confirmed_phone:
        _drop_pending(contact.confirmed_phone)
    contact.phone = contact.confirmed_phone = contact.confirmed_at = None
    record("whatsapp.removed", contact, actor=user)
    db.session.commit()


def forget(user) -> None:
    """Erasure (UU PDP, privacy.services.carry_out): the number, its codes and the WhatsApp
    messages to it go; inside the caller's transaction (flush only)."""
    contact = contact_of(user)
    if contact is None:
        return
    phones = {p for p in (contact.phone, contact.confirmed_phone) if p}
    for code in db.session.scalars(select(WhatsAppCode).where(WhatsAppCode.user_id == user.id)):
        db.session.delete(code)
    if phones:
        db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.channel == OutboxChannel.WHATSAPP,
                OutboxMessage.to_address.in_(phones),
            )
            .values(
                to_address="-",
                text_body="",
                headers={},
                status=case(
                    (OutboxMessage.status == OutboxStatus.PENDING, OutboxStatus.FAILED.value),
                    else_=OutboxMessage.status,
                ),
                last_error="recipient erased (UU PDP)",
            )
            .execution_options(synchronize_session=False)
        )
    contact.phone = contact.confirmed_phone = contact.confirmed_at = None
    contact.preferences = {}
    db.session.flush()


def _drop_pending(phone: str) -> int:
    """Messages to the number not yet sent are not sent (flush only)."""
    return db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.channel == OutboxChannel.WHATSAPP,
            OutboxMessage.to_address == phone,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.sensitive.is_(False),
        )
        .values(status=OutboxStatus.FAILED.value, last_error=OPTED_OUT, claimed_until=None)
        .execution_options(synchronize_session=False)
    ).rowcount


# The webhook ---------------------------------------------------------------------------------


def handle_webhook(payload, now: datetime | None = None) -> dict:
    """Record the delivery statuses and the "BERHENTI" replies of a verified webhook payload.
    Commits once. Raises Invalid for a payload that is not a WhatsApp event."""
    now = now or utcnow()
    try:
        statuses, replies = read(payload)
    except ValueError:
        raise Invalid(_l("Bukan peristiwa WhatsApp.")) from None
    for s in statuses:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.provider_id == s.provider_id)
            .values(delivery_status=s.status)
            .execution_options(synchronize_session=False)
        )
    stopped = 0
    for reply in replies:
        phone = from_wa_id(reply.sender)
        if phone is None or not is_stop_reply(reply.text):
            continue
        for contact in db.session.scalars(
            select(WhatsAppContact).where(
                WhatsAppContact.confirmed_phone == phone, WhatsAppContact.opted_out_at.is_(None)
            )
        ):
            contact.opted_out_at = now
            record("whatsapp.opt_out", contact, via="reply")
            stopped += 1
        _drop_pending(phone)
    db.session.commit()
    return {"statuses": len(statuses), "stopped": stopped}


def delivery_counts() -> dict[str, int]:
    """WhatsApp outbox rows by delivery status (for the CLI and the sandbox)."""
    rows = db.session.execute(
        select(OutboxMessage.delivery_status, func.count())
        .where(OutboxMessage.channel == OutboxChannel.WHATSAPP)
        .group_by(OutboxMessage.delivery_status)
    )
    return {status or "unknown": n for status, n in rows}
