"""Personal data under UU PDP: what the exchange holds about a person, and erasing it.

The export walks the schema: every table with a column pointing at ``users.id`` contributes
the rows that point at the person, so a table added later is exported without a change here.
Erasure anonymises the person (name, e-mail, phone, password; every session ends) and keeps
what the law and the cooperative need: contracts, deals, payments and the audit trail stay,
pointing at an account that no longer names anyone.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from exchange.audit.services import record
from exchange.auth.models import DigestFrequency, User
from exchange.auth.permissions import require_staff
from exchange.auth.services import credentials_changed
from exchange.db import utcnow
from exchange.errors import Conflict, Forbidden, Invalid, NotFound
from exchange.extensions import db
from exchange.mail.models import OutboxMessage
from exchange.mail.outbox import SCRUBBED
from exchange.privacy.models import DeletionRequest, RequestStatus
from exchange.whatsapp import services as whatsapp

# Never exported: secrets, not data about the person.
SECRET_COLUMNS = {"password_hash", "token_hash", "client_token"}
ANON_NAME = "Pengguna dihapus"


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(table, row) -> dict:
    return {c.name: _plain(row._mapping[c]) for c in table.columns if c.name not in SECRET_COLUMNS}


def export_data(user: User) -> dict:
    """Everything stored about the person, as plain JSON-ready values."""
    users = db.metadata.tables["users"]
    data = {
        "generated_at": utcnow().isoformat(),
        "law": "UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi",
        "account": _row(
            users, db.session.execute(select(users).where(users.c.id == user.id)).one()
        ),
        "records": {},
    }
    for table in db.metadata.sorted_tables:
        if table.name == "users":
            continue
        columns = [
            c for c in table.columns if any(fk.column is users.c.id for fk in c.foreign_keys)
        ]
        if not columns:
            continue
        where = columns[0] == user.id
        for c in columns[1:]:
            where = where | (c == user.id)
        rows = db.session.execute(select(table).where(where).order_by(*table.primary_key)).all()
        if rows:
            data["records"][table.name] = [_row(table, r) for r in rows]
    mail = db.session.execute(
        select(OutboxMessage.__table__).where(OutboxMessage.to_address == user.email)
    ).all()
    if mail:
        data["records"]["outbox"] = [_row(OutboxMessage.__table__, r) for r in mail]
    if user.pesantren is not None:
        p = user.pesantren
        data["pesantren"] = {
            "id": p.id,
            "name": p.name,
            "phone": p.phone,
            "address": p.address,
            "signatory_name": p.signatory_name,
            "signatory_position": p.signatory_position,
        }
    return data


def pending_request(user: User) -> DeletionRequest | None:
    return db.session.scalar(
        select(DeletionRequest).where(
            DeletionRequest.user_id == user.id, DeletionRequest.status == RequestStatus.PENDING
        )
    )


def request_deletion(user: User, reason: str = "") -> DeletionRequest:
    """A manager asks for their personal data to be deleted. Raises Forbidden (staff accounts
    are closed by an admin), Conflict (a request is already open, also when another arrived at
    the same moment: the database keeps one pending request per person), Invalid (reason too
    long)."""
    if not user.is_manager:
        raise Forbidden()
    if len(reason or "") > 1000:
        raise Invalid(_l("Maksimal %(n)d karakter.", n=1000), field="reason")
    already = Conflict(_l("Permintaan penghapusan Anda sudah tercatat dan sedang diproses."))
    if pending_request(user) is not None:
        raise already
    req = DeletionRequest(user_id=user.id, reason=(reason or "").strip() or None)
    try:
        db.session.add(req)
        db.session.flush()
        record("privacy.deletion_requested", req, actor=user, pesantren_id=user.pesantren_id)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise already from None
    return req


def open_requests() -> list[DeletionRequest]:
    return list(
        db.session.scalars(
            select(DeletionRequest).order_by(
                (DeletionRequest.status != RequestStatus.PENDING.value), DeletionRequest.id.desc()
            )
        )
    )


def _decidable(staff: User, request_id: int) -> DeletionRequest:
    require_staff(staff)
    req = db.session.get(DeletionRequest, request_id)
    if req is None:
        raise NotFound()
    if req.status != RequestStatus.PENDING:
        raise Conflict(_l("Permintaan ini sudah diputuskan."))
    return req


def carry_out(staff: User, request_id: int) -> DeletionRequest:
    """Anonymise the person; contracts, deals and the audit trail stay. Raises NotFound (not
    staff, no such request), Conflict (already decided)."""
    req = _decidable(staff, request_id)
    user = db.session.get(User, req.user_id)
    old_email = user.email
    user.email = f"dihapus-{user.id}@anonim.invalid"
    user.name = ANON_NAME
    user.phone = None
    user.password_hash = "!" + secrets.token_hex(16)  # matches no password
    user.is_active_account = False
    user.session_version += 1
    user.digest_frequency = DigestFrequency.NONE.value
    credentials_changed.send(user, reason="erased")
    if user.pesantren is not None:
        # who signs for the cooperative is a person's name on the public profile: it goes
        # with them (the pesantren names a new signatory when it edits its data)
        user.pesantren.signatory_name = None
        user.pesantren.signatory_position = None
    whatsapp.forget(user)
    for msg in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == old_email)
    ):
        msg.to_address = user.email
        msg.text_body, msg.html_body = SCRUBBED, None
        if msg.status == "pending":
            msg.status = "failed"
            msg.last_error = "recipient erased (UU PDP)"
    req.status = RequestStatus.DONE.value
    req.decided_by_id, req.decided_at = staff.id, utcnow()
    record("privacy.anonymised", req, actor=staff, pesantren_id=user.pesantren_id)
    db.session.commit()
    return req


def decline(staff: User, request_id: int, answer: str) -> DeletionRequest:
    """Refuse with a reason the person reads (e.g. an open deal the law requires kept).
    Raises NotFound, Conflict, Invalid (no reason)."""
    req = _decidable(staff, request_id)
    answer = (answer or "").strip()
    if not answer or len(answer) > 1000:
        raise Invalid(_l("Tuliskan alasan yang akan dibaca pemohon."), field="answer")
    req.status = RequestStatus.DECLINED.value
    req.answer = answer
    req.decided_by_id, req.decided_at = staff.id, utcnow()
    record("privacy.declined", req, actor=staff)
    db.session.commit()
    return req


def my_requests(user: User) -> list[DeletionRequest]:
    return list(
        db.session.scalars(
            select(DeletionRequest)
            .where(DeletionRequest.user_id == user.id)
            .order_by(DeletionRequest.id.desc())
        )
    )
