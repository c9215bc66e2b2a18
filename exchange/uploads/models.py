"""An upload waiting for its confirmation: the rows as read, keyed by a random token."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from exchange.db import UTCDateTime, enum_type, intpk, str255, timestamp
from exchange.extensions import db


class UploadKind(StrEnum):
    REGISTRY = "registry"  # staff: OPOP's list of pesantren binaan
    LISTINGS = "listings"  # a manager: their listings from a spreadsheet


class SheetUpload(db.Model):
    """The preview shows what confirming writes; confirming reads these rows again (never the
    file twice), checks them again and marks the upload used, so a second confirm is refused."""

    __tablename__ = "sheet_uploads"

    id: Mapped[intpk]
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[UploadKind] = mapped_column(enum_type(UploadKind, 12, "kind_valid"))
    filename: Mapped[str255]
    # {"header": [...], "rows": [[...], ...]}: text as read
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[timestamp]
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
