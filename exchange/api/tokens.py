"""Making, listing, revoking and checking API tokens (the use cases behind the account page)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from exchange.api.models import ApiToken
from exchange.api.scopes import Scope, allowed_scopes, join_scopes
from exchange.audit.services import record
from exchange.auth.services import credentials_changed
from exchange.clock import WIB, today_wib
from exchange.db import utcnow
from exchange.errors import Invalid, NotFound
from exchange.extensions import db

PREFIX = "bp_"
MAX_TOKENS = 20  # live tokens per pesantren (or staff account)
MAX_DAYS = 731  # an expiry at most two years ahead


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8", "surrogatepass")).hexdigest()


def may_hold_tokens(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_staff or (user.is_manager and user.pesantren_id is not None))
    )


def _owned(user):
    """The tokens a user sees and may revoke: the pesantren's, or a staff member's own."""
    if user.is_staff:
        return ApiToken.user_id == user.id
    return ApiToken.pesantren_id == user.pesantren_id


def tokens_of(user) -> list[ApiToken]:
    if not may_hold_tokens(user):
        return []
    stmt = (
        select(ApiToken)
        .where(_owned(user), ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(stmt))


def expiry_of(last_day: date | None, today: date) -> datetime | None:
    """A token used until ``last_day`` (WIB) is refused from 00:00 WIB the day after. Raises
    Invalid for a day before today or more than MAX_DAYS ahead."""
    if last_day is None:
        return None
    if not today <= last_day <= today + timedelta(days=MAX_DAYS):
        raise Invalid(
            _l("Tanggal berakhir token harus antara hari ini dan dua tahun lagi."),
            field="expires_on",
        )
    return datetime.combine(last_day + timedelta(days=1), time(), WIB).astimezone(UTC)


def create_token(user, name: str, scopes, expires_on: date | None = None) -> tuple[ApiToken, str]:
    """Make a token; returns it and its plaintext, which is shown once and never stored.
    ``expires_on``: the last day (WIB) it works; None, until revoked.

    Raises NotFound (no pesantren and not staff), Invalid (no name, a scope the account may
    not hold, too many tokens, an expiry in the past)."""
    if not may_hold_tokens(user):
        raise NotFound()
    name = " ".join((name or "").split())[:120]
    if not name:
        raise Invalid(_l("Beri nama token, misalnya aplikasi yang memakainya."), field="name")
    allowed = allowed_scopes(user.is_staff)
    try:
        chosen = {Scope(s) for s in scopes}
    except ValueError:
        raise Invalid(_l("Cakupan token tidak dikenal."), field="scopes") from None
    if not chosen or not chosen <= set(allowed):
        raise Invalid(_l("Pilih cakupan token yang boleh untuk akun Anda."), field="scopes")
    expires_at = expiry_of(expires_on, today_wib())
    if len(tokens_of(user)) >= MAX_TOKENS:
        raise Invalid(_l("Terlalu banyak token aktif. Cabut yang tidak dipakai lagi."))
    plaintext = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        pesantren_id=None if user.is_staff else user.pesantren_id,
        name=name,
        token_hash=hash_token(plaintext),
        prefix=plaintext[:10],
        scopes=join_scopes(chosen),
        expires_at=expires_at,
    )
    db.session.add(token)
    db.session.flush()
    record(
        "api.token_created", token, actor=user, pesantren_id=token.pesantren_id, scopes=token.scopes
    )
    db.session.commit()
    return token, plaintext


def revoke_token(user, token_id: int) -> ApiToken:
    """Revoke one of the pesantren's (or the staff member's own) tokens. Raises NotFound."""
    if not may_hold_tokens(user):
        raise NotFound()
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, _owned(user), ApiToken.revoked_at.is_(None))
    )
    if token is None:
        raise NotFound()
    token.revoked_at = utcnow()
    record("api.token_revoked", token, actor=user, pesantren_id=token.pesantren_id)
    db.session.commit()
    return token


@credentials_changed.connect
def revoke_all(user, reason: str = "", **_kw) -> int:
    """Revoke every live token of the account whose password changed or which was closed
    (``auth.signals``); in the sender's transaction. Returns how many."""
    tokens = list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        )
    )
    for token in tokens:
        token.revoked_at = utcnow()
        record("api.token_revoked", token, actor=user, pesantren_id=token.pesantren_id, why=reason)
    return len(tokens)


def authenticate(plaintext: str | None) -> ApiToken | None:
    """The live token with this plaintext whose account may still use it, or None."""
    if not plaintext or not plaintext.startswith(PREFIX) or len(plaintext) > 100:
        return None
    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == hash_token(plaintext), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None or not token.user.is_active:
        return None
    if token.expires_at is not None and utcnow() >= token.expires_at:
        return None
    user = token.user
    if token.pesantren_id is not None and user.pesantren_id != token.pesantren_id:
        return None  # the manager moved on: the pesantren's token no longer acts for them
    if Scope.STAFF in token.scope_set and not user.is_staff:
        return None
    return token


def touch(token: ApiToken) -> None:
    """Remember when a token was last used, at most once a minute (the caller commits)."""
    now = utcnow()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now


__all__ = ["authenticate", "create_token", "revoke_token", "tokens_of", "touch"]
