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
from exchange.auth import throttle
from exchange.auth.models import PasswordReset, User
from exchange.auth.services import find_user_by_email, normalise_email, validate_password
from exchange.auth.signals import credentials_changed
from exchange.db import utcnow
from exchange.errors import Invalid, RateLimited
from exchange.extensions import db
from exchange.i18n import select_locale
from exchange.mail.outbox import queue_email


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _set_password(user: User, password: str) -> None:
    """New hash, and every other session of the account is signed out."""
    user.set_password(password)
    user.session_version += 1
    credentials_changed.send(user, reason="password")  # API tokens end too (api.tokens)
    # Whoever locked the account out by guessing, the owner who proved the address is let in.
    throttle.clear_first("login-pair", normalise_email(user.email))


def change_password(user: User, current: str, new: str) -> None:
    """Raises Invalid when the current password is wrong or the new one too short."""
    if not user.check_password(current or ""):
        raise Invalid(_("Kata sandi sekarang salah."), field="current")
    validate_password(new)
    _set_password(user, new)
    record("user.password_changed", user, actor=user)
    db.session.commit()


def request_reset(email: str, client: str, now=None) -> None:
    """Queue a one-time link when the address belongs to an active account.

    The same work and the same answer either way (no account enumeration): an unknown or
    inactive address gets a short notice instead of a link, through the same outbox. Every
    request makes the account's earlier links die, so one link at a time is live.
    Raises RateLimited past RESET_CLIENT_MAX_PER_HOUR requests from one client; past
    RESET_ADDRESS_MAX_PER_HOUR for one address nothing more is queued (the page says the same).
    """
    now = now or utcnow()
    cfg = current_app.config
    address = normalise_email(email)
    if throttle.hit("reset-client", client, 3600, now)[0] > cfg["RESET_CLIENT_MAX_PER_HOUR"]:
        raise RateLimited()
    if throttle.hit("reset-address", address, 3600, now)[0] > cfg["RESET_ADDRESS_MAX_PER_HOUR"]:
        return
    user = find_user_by_email(address)
    token = secrets.token_urlsafe(32)
    hours = cfg["PASSWORD_RESET_HOURS"]
    link = cfg["BASE_URL"].rstrip("/") + url_for("auth.reset", token=token)
    if user is not None and user.is_active:
        db.session.execute(
            update(PasswordReset)
            .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
            .values(used_at=now)
        )
        db.session.add(
            PasswordReset(
                user_id=user.id, token_hash=_hash(token), expires_at=now + timedelta(hours=hours)
            )
        )
        locale, template = user.locale or "id", "mail/password_reset.txt"
        record("user.reset_requested", user, actor=None)
    else:
        locale, template = request_locale(), "mail/password_reset_unknown.txt"
    with force_locale(locale):
        subject = _("Atur ulang kata sandi Bursa Pesantren")
        text = render_template(template, user=user, link=link, hours=hours)
    # The link is in the body only until it is sent: the sender scrubs it (``mail/outbox.py``).
    queue_email(address, subject, text, sensitive=True)
    db.session.commit()


def request_locale() -> str:
    return select_locale()


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
