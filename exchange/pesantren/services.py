"""Pesantren use cases: registration (called by auth), editing, verification."""

from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from exchange.audit.services import record
from exchange.auth.permissions import require_own, require_staff
from exchange.auth.policy import Role
from exchange.db import utcnow
from exchange.errors import IllegalTransition, Invalid, InvalidFields, NotFound, collect
from exchange.extensions import db
from exchange.mail.outbox import queue_email
from exchange.pesantren.models import Pesantren, PesantrenStatus, PesantrenStatusChange
from exchange.pesantren.reference import load_regencies  # noqa: F401 published here
from exchange.pesantren.registry import clean_nspp, clean_registry
from exchange.pesantren.states import REASON_REQUIRED, next_status
from exchange.texts import looks_like_html


def check_pesantren(nspp: str, data: dict):
    """The NSPP and the registry fields checked together (nothing stored): (nspp, warnings,
    values, more warnings), or InvalidFields with every problem of both at once."""
    problems: list[tuple] = []
    nspp, warnings = collect(problems, clean_nspp, nspp) or (None, [])
    values, more = collect(problems, clean_registry, data) or ({}, [])
    if problems:
        raise InvalidFields(problems)
    return nspp, warnings, values, more


def add_pesantren(nspp: str, data: dict) -> tuple[Pesantren, list[str]]:
    """Add a pending pesantren to the current transaction (flush only; the caller commits).

    Raises Invalid for bad or duplicate input. Returns the pesantren and format warnings.
    """
    nspp, warnings, values, more = check_pesantren(nspp, data)
    now = utcnow()
    pesantren = Pesantren(
        nspp=nspp, status=PesantrenStatus.PENDING, status_changed_at=now, **values
    )
    db.session.add(pesantren)
    db.session.flush()
    db.session.add(
        PesantrenStatusChange(
            pesantren_id=pesantren.id, from_status=None, to_status=PesantrenStatus.PENDING
        )
    )
    return pesantren, warnings + more


def update_pesantren(user, pesantren_id: int, data: dict) -> list[str]:
    """The manager edits their own pesantren (404 for anyone else's).

    A rejected pesantren goes back to the verification queue. Raises NotFound, Invalid.
    """
    require_own(user, pesantren_id)
    pesantren = db.session.get(Pesantren, pesantren_id)
    if pesantren is None:
        raise NotFound()
    values, warnings = clean_registry(data)
    changed = sorted(k for k, v in values.items() if getattr(pesantren, k) != v)
    for key, value in values.items():
        setattr(pesantren, key, value)
    record(
        "pesantren.edited",
        pesantren,
        actor=user,
        pesantren_id=pesantren.id,
        fields=",".join(changed),
    )
    if next_status(pesantren.status, "resubmit", Role.MANAGER):
        _move(pesantren, "resubmit", user, None)
    db.session.commit()
    return warnings


def change_status(actor, pesantren_id: int, action: str, reason: str | None) -> Pesantren:
    """Staff verify, reject, suspend or reinstate a pesantren; the managers are told by e-mail.

    Raises NotFound (not staff, unknown pesantren), Invalid (missing reason),
    IllegalTransition (not allowed from the current status).
    """
    require_staff(actor)
    pesantren = db.session.get(Pesantren, pesantren_id)
    if pesantren is None:
        raise NotFound()
    reason = (reason or "").strip()
    if action in REASON_REQUIRED and not reason:
        raise Invalid(_("Tuliskan alasannya: pengelola pesantren akan membacanya."), field="reason")
    if len(reason) > 500:
        raise Invalid(_("Maksimal %(n)d karakter.", n=500), field="reason")
    if looks_like_html(reason):
        raise Invalid(_("Tulis teks biasa, tanpa tag HTML."), field="reason")
    if next_status(pesantren.status, action, Role.STAFF) is None:
        raise IllegalTransition()
    _move(pesantren, action, actor, reason or None)
    _tell_managers(pesantren)
    db.session.commit()
    return pesantren


def _move(pesantren: Pesantren, action: str, actor, reason: str | None) -> None:
    role = Role.MANAGER if action == "resubmit" else Role.STAFF
    before = pesantren.status
    pesantren.status = next_status(before, action, role)
    pesantren.status_reason = reason
    pesantren.status_changed_at = utcnow()
    db.session.add(
        PesantrenStatusChange(
            pesantren_id=pesantren.id,
            actor_id=actor.id,
            from_status=before,
            to_status=pesantren.status,
            reason=reason,
        )
    )
    record(
        f"pesantren.{pesantren.status}",
        pesantren,
        actor=actor,
        pesantren_id=pesantren.id,
        action=action,
        from_status=before,
        reason=reason,
    )


def _tell_managers(pesantren: Pesantren) -> None:
    link = current_app.config["BASE_URL"].rstrip("/") + url_for("pesantren.mine")
    for manager in pesantren.managers:
        if not manager.is_active:
            continue
        with force_locale(manager.locale or "id"):
            subject = _("Status pesantren Anda: %(status)s", status=status_label(pesantren.status))
            text = render_template("mail/pesantren_status.txt", pesantren=pesantren, link=link)
        queue_email(manager.email, subject, text)


def status_label(status: str) -> str:
    return {
        "pending": _("menunggu verifikasi"),
        "verified": _("terverifikasi"),
        "suspended": _("dibekukan"),
        "rejected": _("ditolak"),
    }.get(status, status)
