"""Account use cases: sign-in with lockout, account creation."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from exchange.audit.services import record
from exchange.auth.models import DigestFrequency, Role, User
from exchange.auth.permissions import require_admin
from exchange.db import utcnow
from exchange.errors import Invalid, NotFound
from exchange.extensions import db
from exchange.site.forms import looks_like_html

EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


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
    if not EMAIL_RE.match(email) or len(email) > 255:
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


def update_settings(user: User, locale: str, digest_frequency: str) -> None:
    """Language and digest frequency of the signed-in account. Raises Invalid."""
    if locale not in current_app.config["LANGUAGES"]:
        raise Invalid(_("Bahasa tidak dikenal."), field="locale")
    if digest_frequency not in {d.value for d in DigestFrequency}:
        raise Invalid(_("Pilihan tidak dikenal."), field="digest_frequency")
    user.locale = locale
    user.digest_frequency = digest_frequency
    record("user.settings", user, actor=user, locale=locale, digest=digest_frequency)
    db.session.commit()


def register_manager(name: str, email: str, password: str, nspp: str, registry: dict):
    """A manager registers themselves and their pesantren (pending) in one transaction.

    Returns (user, warnings). Raises Invalid (bad input, taken e-mail or NSPP); nothing is
    stored then.
    """
    from exchange.pesantren.services import add_pesantren

    name = (name or "").strip()
    if not name or len(name) > 120 or looks_like_html(name):
        raise Invalid(_("Tulis nama Anda (teks biasa, maksimal 120 karakter)."), field="user_name")
    try:
        pesantren, warnings = add_pesantren(nspp, registry)
        user = create_user(
            email, password, Role.MANAGER, name=name, pesantren_id=pesantren.id, commit=False
        )
        record("pesantren.registered", pesantren, actor=user, pesantren_id=pesantren.id)
    except Invalid:
        db.session.rollback()
        raise
    db.session.commit()
    return user, warnings


def staff_accounts() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.role.in_([Role.STAFF, Role.ADMIN])).order_by(User.email)
        )
    )


def create_staff(admin: User, name: str, email: str, password: str) -> User:
    """An admin adds a staff account. Raises NotFound (not admin), Invalid."""
    require_admin(admin)
    if looks_like_html(name) or len(name or "") > 120:
        raise Invalid(_("Tulis nama dengan teks biasa, maksimal 120 karakter."), field="name")
    return create_user(email, password, Role.STAFF, name=name, actor=admin)


def set_staff_active(admin: User, user_id: int, active: bool) -> User:
    """An admin deactivates or reactivates a staff account (never their own).

    Raises NotFound (not admin, not a staff account), Invalid (own account).
    """
    require_admin(admin)
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.STAFF:
        raise NotFound()
    if user.id == admin.id:
        raise Invalid(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    user.is_active_account = active
    record("user.activated" if active else "user.deactivated", user, actor=admin)
    db.session.commit()
    return user
