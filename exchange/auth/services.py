"""Account use cases: sign-in with lockout, account creation."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from exchange.audit.services import record
from exchange.auth.models import Role, User
from exchange.db import utcnow
from exchange.errors import Invalid
from exchange.extensions import db


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email: str, password: str, now=None) -> User:
    """Check the password; repeated failures lock the account for a while.

    Raises Invalid with a message for the user when the sign-in is refused.
    """
    now = now or utcnow()
    cfg = current_app.config
    user = find_user_by_email(email)
    wrong = Invalid(_("E-mail atau kata sandi salah."))
    if user is None:
        raise wrong
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise Invalid(
            _(
                "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(minutes)d menit.",
                minutes=minutes,
            )
        )
    if not user.check_password(password):
        user.failed_logins += 1
        if user.failed_logins >= cfg["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + timedelta(minutes=cfg["LOGIN_LOCKOUT_MINUTES"])
            user.failed_logins = 0
            record("user.locked", user, actor=None)
        db.session.commit()
        raise wrong
    if not user.is_active:
        raise Invalid(_("Akun ini dinonaktifkan."))
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.commit()
    return user


def validate_password(password: str) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise Invalid(_("Kata sandi minimal %(n)d karakter.", n=minimum), field="password")
    if len(password) > 200:
        raise Invalid(_("Kata sandi maksimal 200 karakter."), field="password")


def create_user(
    email: str,
    password: str,
    role: str,
    name: str = "",
    pesantren_id: int | None = None,
    actor=None,
    commit: bool = True,
) -> User:
    """Create an account. Raises Invalid for a bad role, password or a taken e-mail."""
    email = normalise_email(email)
    if role not in {r.value for r in Role}:
        raise Invalid(_("Peran tidak dikenal."), field="role")
    if not email or "@" not in email or len(email) > 255:
        raise Invalid(_("Alamat e-mail tidak valid."), field="email")
    if find_user_by_email(email):
        raise Invalid(_("E-mail ini sudah terdaftar."), field="email")
    if role == Role.MANAGER and pesantren_id is None:
        raise Invalid(_("Pengelola harus terhubung dengan satu pesantren."), field="pesantren")
    validate_password(password)
    user = User(email=email, name=name or email.split("@")[0], role=role, pesantren_id=pesantren_id)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record("user.created", user, actor=actor, pesantren_id=pesantren_id, role=role)
    if commit:
        db.session.commit()
    return user


def set_locale(user: User, code: str) -> None:
    """Remember the account's language."""
    user.locale = code
    db.session.commit()
