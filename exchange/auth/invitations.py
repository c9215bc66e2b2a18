"""Invitations: an account made for a manager by staff (the registry import), with a one-time
link to choose a password. The link is a ``PasswordReset`` that lives INVITATION_DAYS; until
the manager sets a password the account holds no usable hash (``INVITED``), so nobody can sign
in with it."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import quote

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from exchange.audit.services import record
from exchange.auth.models import PasswordReset, Role, User
from exchange.auth.permissions import require_staff
from exchange.db import utcnow
from exchange.errors import NotFound
from exchange.extensions import db
from exchange.mail.outbox import queue_email
from exchange.web.links import link_builder

# No "$": werkzeug's check_password_hash answers False for it, whatever the password.
INVITED = "!invited"


def is_pending(user: User) -> bool:
    """Invited and no password chosen yet."""
    return user.password_hash == INVITED


def new_manager(email: str, name: str, pesantren_id: int, phone: str | None) -> User:
    """An invited manager's account (added, not flushed: a bulk caller flushes once)."""
    user = User(
        email=email,
        name=(name or email.split("@")[0])[:120],
        role=Role.MANAGER,
        pesantren_id=pesantren_id,
        phone=phone,
        password_hash=INVITED,
    )
    db.session.add(user)
    return user


def send_invitation(user: User, pesantren_name: str, now=None, first: bool = False) -> str:
    """A new one-time link for the account (earlier ones die, unless it is the ``first``) and
    its e-mail in the outbox. Adds only; returns the link, for the staff's WhatsApp text."""
    now = now or utcnow()
    days = int(current_app.config["INVITATION_DAYS"])
    if not first:
        db.session.execute(
            update(PasswordReset)
            .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordReset(
            user=user,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            expires_at=now + timedelta(days=days),
        )
    )
    link = link_builder(current_app)("auth.invitation", token=token)  # works outside requests
    with force_locale(user.locale or "id"):
        subject = _("Undangan ke Bursa Pesantren: %(name)s", name=pesantren_name)
        text = render_template(
            "mail/invitation.txt", user=user, pesantren=pesantren_name, link=link, days=days
        )
    # The link is in the body until it is sent: the sender scrubs it (``mail/outbox.py``).
    queue_email(user.email, subject, text, flush=False, sensitive=True)
    return link


def resend_invitation(staff, user_id: int) -> tuple[User, str]:
    """Staff send an invited manager a new link (the old one dies). Returns the account and
    the link, shown once for a WhatsApp message. Raises NotFound (not staff; not an account
    still waiting for its password)."""
    require_staff(staff)
    user = db.session.get(User, user_id)
    if user is None or not is_pending(user) or user.pesantren is None:
        raise NotFound()
    link = send_invitation(user, user.pesantren.name)
    record("user.invitation_sent", user, actor=staff, pesantren_id=user.pesantren_id)
    db.session.commit()
    return user, link


def share_text(user: User, pesantren_name: str, link: str) -> str:
    """What staff forward by WhatsApp beside the e-mail."""
    days = int(current_app.config["INVITATION_DAYS"])
    return _(
        "Assalamu'alaikum %(name)s. %(pesantren)s sudah terdaftar di Bursa Pesantren OPOP "
        "Jawa Timur. Buka tautan ini untuk membuat kata sandi (berlaku %(days)d hari, sekali "
        "pakai): %(link)s",
        name=user.name,
        pesantren=pesantren_name,
        days=days,
        link=link,
    )


def whatsapp_url(phone: str | None, text: str) -> str:
    """A wa.me link that opens WhatsApp with the text written (to the number when known)."""
    number = (phone or "").removeprefix("+")
    return f"https://wa.me/{number}?text={quote(text)}"


def pending_invitations(limit: int = 200) -> list[User]:
    """Invited managers who have not chosen a password yet, newest first."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.MANAGER, User.password_hash == INVITED)
            .order_by(User.id.desc())
            .limit(limit)
        )
    )
