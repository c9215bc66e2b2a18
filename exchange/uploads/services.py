"""Keeping an upload between its preview and its confirmation (a day at most)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from exchange.db import utcnow
from exchange.errors import NotFound
from exchange.extensions import db
from exchange.sheets import SheetError
from exchange.uploads.models import SheetUpload, UploadKind

KEEP = timedelta(hours=24)


def keep(user, kind: UploadKind, filename: str, header: list, rows: list) -> SheetUpload:
    """Store what was read (flush only; the caller commits). Uploads older than a day go."""
    db.session.execute(delete(SheetUpload).where(SheetUpload.created_at < utcnow() - KEEP))
    upload = SheetUpload(
        token=secrets.token_urlsafe(24),
        user_id=user.id,
        kind=kind,
        filename=(filename or "")[:255],
        content={"header": header, "rows": rows},
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def kept(user, kind: UploadKind, token: str) -> SheetUpload:
    """The user's own unused upload of this kind. Raises NotFound (another's, used, old)."""
    upload = db.session.scalar(select(SheetUpload).where(SheetUpload.token == (token or "")[:64]))
    if (
        upload is None
        or upload.user_id != getattr(user, "id", None)
        or upload.kind != kind
        or upload.used_at is not None
        or upload.created_at < utcnow() - KEEP
    ):
        raise NotFound()
    return upload


def use(upload: SheetUpload) -> None:
    """Mark the upload confirmed (flush only), so the same preview cannot be written twice."""
    upload.used_at = utcnow()
    db.session.flush()


def sheet_error(exc: SheetError) -> str:
    most = f"{exc.params.get('max', 0):,}".replace(",", ".")
    texts = {
        "too_big": lambda: _("Berkas terlalu besar: paling besar %(mb)d MB.", mb=exc.params["mb"]),
        "too_many_rows": lambda: _(
            "Berkas terlalu panjang: paling banyak %(n)s baris data; bagi menjadi beberapa berkas.",
            n=most,
        ),
        "format": lambda: _("Berkas tidak terbaca: unggah CSV atau XLSX (Excel)."),
        "empty": lambda: _("Berkas ini kosong."),
        "columns": lambda: _(
            "Kolom yang wajib tidak ditemukan: %(missing)s. Pakai berkas contoh dari halaman ini.",
            missing=exc.params["missing"],
        ),
    }
    return texts.get(exc.code, texts["format"])()
