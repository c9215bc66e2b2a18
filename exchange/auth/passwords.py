"""Changing a password, and resetting a forgotten one by an e-mailed one-time link."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from exchange.audit.services import record
from exchange.auth.models import PasswordReset, User
from exchange.auth.services import find_user_by_email, validate_password
from exchange.db import utcnow
from exchange.errors import Invalid
from exchange.extensions import db
from exchange.mail.outbox import queue_email


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _set_password(user: User, password: str) -> None:
    """New hash, and every other session of the account is signed out."""
    user.set_password(password)
    user.session_version += 1
    user.failed_logins = 0
    user.locked_until = None


def change_password(user: User, current: str, new: str) -> None:
    """Raises Invalid when the current password is wrong or the new one too short."""
    if not user.check_password(current or ""):
        raise Invalid(_("Kata sandi sekarang salah."), field="current")
    validate_password(new)
    _set_password(user, new)
    record("user.password_changed", user, actor=user)
    db.session.commit()


def request_reset(email: str, now=None) -> None:
    """E-mail a one-time link when the address belongs to an active account.

    Says nothing either way (the page answers the same): no account enumeration.
    """
    now = now or utcnow()
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = secrets.token_urlsafe(32)
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    db.session.add(
        PasswordReset(
            user_id=user.id, token_hash=_hash(token), expires_at=now + timedelta(hours=hours)
        )
    )
    link = current_app.config["BASE_URL"].rstrip("/") + url_for("auth.reset", token=token)
    with force_locale(user.locale or "id"):
        subject = _("Atur ulang kata sandi Bursa Pesantren")
        text = render_template("mail/password_reset.txt", user=user, link=link, hours=hours)
    queue_email(user.email, subject, text)
    record("user.reset_requested", user, actor=None)
    db.session.commit()


def reset_for_token(token: str, now=None) -> PasswordReset | None:
    """The unused, unexpired reset the token stands for, or None."""
    now = now or utcnow()
    if not token or len(token) > 200:
        return None
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _hash(token)))
    if reset is None or reset.used_at is not None or reset.expires_at <= now:
        return None
    return reset


def reset_password(token: str, password: str, now=None) -> User:
    """Use a reset link once. Raises Invalid (link used or expired, password too short)."""
    now = now or utcnow()
    reset = reset_for_token(token, now)
    if reset is None:
        raise Invalid(_("Tautan ini sudah dipakai atau kedaluwarsa. Minta tautan baru."))
    validate_password(password)
    # Claim the link with a conditional update, so two clicks cannot both use it.
    claimed = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise Invalid(_("Tautan ini sudah dipakai atau kedaluwarsa. Minta tautan baru."))
    # Any other outstanding link of this account dies with it.
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == reset.user_id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    user = db.session.get(User, reset.user_id)
    _set_password(user, password)
    record("user.password_reset", user, actor=user)
    db.session.commit()
    return user
