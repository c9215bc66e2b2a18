"""A manager's WhatsApp number, choices and confirmation codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from exchange.db import UTCDateTime, intpk, timestamp
from exchange.extensions import db


class WhatsAppContact(db.Model):
    """One per account. ``phone`` is the number being set up or in use (E.164);
    ``confirmed_phone`` is set once a code sent to it was typed back: UNIQUE, so a number is
    confirmed by one account only (a second account's confirmation fails in the database)."""

    __tablename__ = "whatsapp_contacts"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    confirmed_phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # set by "BERHENTI" or the page's switch; cleared when the owner turns it on again
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # {kind: "email" | "whatsapp" | "both"} (whatsapp.policy); a kind left out is e-mail
    preferences: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[timestamp]


class WhatsAppCode(db.Model):
    """A one-time code sent to a number: only its keyed hash is kept."""

    __tablename__ = "whatsapp_codes"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    phone: Mapped[str] = mapped_column(String(20))
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    tries: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[timestamp]
