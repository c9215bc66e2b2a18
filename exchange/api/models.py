"""API tokens (only their hash is stored) and the answers kept for Idempotency-Key retries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.api.scopes import Scope, parse_scopes
from exchange.db import UTCDateTime, intpk, str120, timestamp
from exchange.extensions import db


class ApiToken(db.Model):
    """A bearer token of one pesantren (made by its manager) or of one staff account.

    Requests act as ``user`` (the account that made it): the same permission checks as the
    pages apply, and a token stops working when that account is deactivated."""

    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    pesantren_id: Mapped[int | None] = mapped_column(ForeignKey("pesantren.id"), index=True)
    name: Mapped[str120]
    # SHA-256 of the whole token: the token is 256 random bits, so no slow hash is needed.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown on the account page
    scopes: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[timestamp]
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # None: until revoked; else refused (401) from this moment (00:00 WIB after the last day)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User", lazy="joined", innerjoin=True)

    @property
    def scope_set(self) -> frozenset[Scope]:
        return parse_scopes(self.scopes)


class IdempotentAnswer(db.Model):
    """The first answer to a write with an ``Idempotency-Key``: a retry gets it back."""

    __tablename__ = "api_idempotent_answers"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[intpk]
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    # method, path and body hash: the same key with another request is refused (422)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[timestamp]
