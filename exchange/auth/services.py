"""Account use cases: sign-in with lockout, account creation."""

from __future__ import annotations

import re
import secrets

from flask import current_app, render_template, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from exchange.audit.services import record
from exchange.auth import throttle
from exchange.auth.models import DigestFrequency, Role, User
from exchange.auth.permissions import require_admin
from exchange.auth.signals import credentials_changed  # published here for other domains
from exchange.db import utcnow
from exchange.errors import Invalid, InvalidFields, NotFound, RateLimited, collect
from exchange.extensions import db
from exchange.mail.outbox import queue_email
from exchange.pesantren.services import add_pesantren, check_pesantren
from exchange.texts import looks_like_html

EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash of a random password with the configured method: unknown accounts cost the same."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _DUMMY_HASHES[method]


def authenticate(email: str, password: str, client: str, now=None) -> tuple[User, int]:
    """Check the password, with limits that hold across workers (``auth/throttle.py``).

    - per client: at most LOGIN_CLIENT_MAX_ATTEMPTS tries per LOGIN_CLIENT_WINDOW_MINUTES,
      whatever the accounts (raises RateLimited, a 429);
    - per (account, client): LOGIN_MAX_FAILURES tries, then that client waits out the
      LOGIN_LOCKOUT_MINUTES window. The owner on another client is not locked out, and a
      password reset clears every lock of the account.
    Unknown addresses get the same answers and the same work (a dummy hash is checked).
    Returns the user and how many wrong passwords were tried on the account since its last
    sign-in. Raises Invalid with a message for the user when the sign-in is refused.
    """
    now = now or utcnow()
    cfg = current_app.config
    address = normalise_email(email)
    window = int(cfg["LOGIN_CLIENT_WINDOW_MINUTES"]) * 60
    tries, _until = throttle.hit("login-client", client, window, now)
    if tries > cfg["LOGIN_CLIENT_MAX_ATTEMPTS"]:
        raise RateLimited()
    tries, until = throttle.hit(
        "login-pair", (address, client), int(cfg["LOGIN_LOCKOUT_MINUTES"]) * 60, now
    )
    if tries > cfg["LOGIN_MAX_FAILURES"]:
        raise Invalid(
            _(
                "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(minutes)d menit, "
                'atau atur ulang kata sandi lewat "Lupa kata sandi".',
                minutes=throttle.minutes_left(until, now),
            ),
            field="password",
        )
    user = find_user_by_email(address)
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        raise Invalid(_("E-mail atau kata sandi salah."), field="password")
    if not user.check_password(password or ""):
        # One statement: concurrent failures never lose a count.
        db.session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=User.failed_logins + 1)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        raise Invalid(_("E-mail atau kata sandi salah."), field="password")
    if not user.is_active:
        raise Invalid(_("Akun ini dinonaktifkan."), field="password")
    throttle.clear("login-pair", (address, client))
    failures = _take_failed_logins(user.id)
    user.last_login_at = now
    db.session.commit()
    return user, failures


def _take_failed_logins(user_id: int) -> int:
    """Wrong passwords tried since the last sign-in, and the count starts anew (flush only).

    Subtracting what was read keeps a failure counted concurrently.
    """
    seen = db.session.scalar(select(User.failed_logins).where(User.id == user_id)) or 0
    if seen:
        db.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(failed_logins=User.failed_logins - seen)
            .execution_options(synchronize_session=False)
        )
    return seen


def end_sessions(user: User) -> None:
    """Sign the account out everywhere: cookies carry the session version (``User.get_id``)."""
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


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


def register_manager(
    name: str, email: str, password: str, nspp: str, registry: dict, client: str, now=None
):
    """A manager registers themselves and their pesantren (pending) in one transaction.

    The answer never says whether the address already has an account (issue 23): every field
    is checked as for a new registration, then a taken address makes nothing and mails its
    owner instead (the same password hashing work is done), while a new one is stored and
    mailed its welcome. Returns (user or None, warnings); the caller shows the same page for
    both. Raises Invalid (bad input, a taken NSPP); nothing is stored then. Raises RateLimited
    past REGISTER_CLIENT_MAX_PER_HOUR tries from one client (counted first, in one statement,
    so concurrent tries cannot slip past the limit).
    """
    now = now or utcnow()
    tries = throttle.hit("register-client", client, 3600, now)[0]
    if tries > current_app.config["REGISTER_CLIENT_MAX_PER_HOUR"]:
        raise RateLimited()

    problems = registration_problems(name, password, nspp, registry)
    if problems:
        raise InvalidFields(problems)
    name = (name or "").strip()
    address = normalise_email(email)
    owner = find_user_by_email(address)
    try:
        pesantren, warnings = add_pesantren(nspp, registry)
        if owner is None:
            user = create_user(
                address, password, Role.MANAGER, name=name, pesantren_id=pesantren.id, commit=False
            )
            record("pesantren.registered", pesantren, actor=user, pesantren_id=pesantren.id)
            _registration_mail("mail/registration_received.txt", address, user=user, p=pesantren)
            db.session.commit()
            return user, warnings
        validate_password(password)
        generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
    except Invalid:
        db.session.rollback()
        raise
    except IntegrityError:  # the same address registered a moment ago by another request
        db.session.rollback()
        owner = find_user_by_email(address)
        if owner is None:
            raise
    db.session.rollback()  # nothing of this try is kept
    _registration_mail("mail/registration_taken.txt", owner.email, user=owner, p=None)
    db.session.commit()
    return None, warnings


def registration_problems(name: str, password: str, nspp: str, registry: dict) -> list[tuple]:
    """Every problem of a registration at once, as (message, field) pairs; nothing is stored
    and nothing is said about the e-mail address (whether it has an account)."""
    problems: list[tuple] = []
    name = (name or "").strip()
    if not name or len(name) > 120 or looks_like_html(name):
        problems.append((_("Tulis nama Anda (teks biasa, maksimal 120 karakter)."), "user_name"))
    collect(problems, validate_password, password)
    collect(problems, check_pesantren, nspp, registry)
    return problems


def _registration_mail(template: str, address: str, user, p) -> None:
    base = current_app.config["BASE_URL"].rstrip("/")
    login, forgot = base + url_for("auth.login"), base + url_for("auth.forgot")
    with force_locale(user.locale if p is None and user.locale else str(get_locale() or "id")):
        subject = (
            _("Pendaftaran Bursa Pesantren diterima")
            if p is not None
            else _("Pendaftaran dengan alamat e-mail Anda di Bursa Pesantren")
        )
        text = render_template(template, user=user, pesantren=p, login=login, forgot=forgot)
    queue_email(address, subject, text)


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
    user.session_version += 1  # old cookies of the account never come back to life
    if not active:
        credentials_changed.send(user, reason="deactivated")  # nor its API tokens
    record("user.activated" if active else "user.deactivated", user, actor=admin)
    db.session.commit()
    return user
