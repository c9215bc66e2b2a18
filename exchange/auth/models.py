"""Accounts: managers act for one pesantren, staff review, admins manage staff."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from exchange.auth.policy import DigestFrequency, Role, is_staff_role  # noqa: F401 re-export
from exchange.db import UTCDateTime, enum_type, intpk, str120, str255, timestamp
from exchange.extensions import db


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("email"),)

    id: Mapped[intpk]
    email: Mapped[str255]
    name: Mapped[str120]
    password_hash: Mapped[str255]
    role: Mapped[Role] = mapped_column(enum_type(Role, 40, "role_valid"), default=Role.MANAGER)
    pesantren_id: Mapped[int | None] = mapped_column(ForeignKey("pesantren.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    locale: Mapped[str] = mapped_column(String(5), default="id")
    digest_frequency: Mapped[DigestFrequency] = mapped_column(
        enum_type(DigestFrequency, 10, "digest_frequency_valid"), default=DigestFrequency.DAILY
    )
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # Bumped at sign-out, password change or reset and staff (de)activation: the session and
    # remember-me cookies carry it (``get_id``), and older values are refused on every request.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # Wrong passwords since the last sign-in (told to the owner then). Lockouts are per client
    # in ``auth/throttle.py``, so a stranger cannot lock the owner out.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[timestamp]

    pesantren = relationship("Pesantren", back_populates="managers")

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_staff(self) -> bool:
        """Staff and admins both review the exchange."""
        return is_staff_role(self.role)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class PasswordReset(db.Model):
    """A one-time reset link: only the token's hash is stored."""

    __tablename__ = "password_resets"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[timestamp]

    user = relationship(User)
