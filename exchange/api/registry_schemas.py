"""The bodies of the staff's registry import: the sheet sent, its preview, the confirmation's
counts; the invitations waiting and a resent one."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from exchange.sheets import MAX_BYTES

# base64 of a file of MAX_BYTES, and a little more: a file just past the limit is still read,
# so the service's own "too big" answers it; anything longer is refused by the schema.
MAX_BASE64 = 4 * math.ceil((MAX_BYTES + 3) / 3)
RowStatusName = Literal["new", "same", "refused"]  # pesantren.import_rows.RowStatus


class RegistryImportIn(BaseModel):
    """The spreadsheet (the template's columns: GET /pesantren/impor/contoh.csv|xlsx on the
    pages), as a CSV or XLSX file encoded in base64."""

    model_config = ConfigDict(extra="forbid")
    filename: str = Field(
        min_length=1,
        max_length=255,
        description="The file's name; its ending (.csv, .xlsx) says how it is read.",
        examples=["binaan.csv"],
    )
    content_base64: str = Field(
        min_length=1,
        max_length=MAX_BASE64,
        description=f"The file's bytes in base64 (RFC 4648), at most {MAX_BYTES} bytes decoded.",
        json_schema_extra={"contentEncoding": "base64"},
    )


class RegistryCounts(BaseModel):
    new: int = Field(description="Rows to be added (verified, their managers invited).")
    same: int = Field(description="Rows already in the registry with this manager: unchanged.")
    refused: int = Field(description="Rows with a problem: nothing is written for them.")


class RegistryRowOut(BaseModel):
    line: int = Field(description="The row's line in the spreadsheet (the header is line 1).")
    status: RowStatusName
    name: str
    nspp: str | None
    regency_code: str | None
    regency_name: str | None
    address: str | None
    kopontren_name: str | None
    manager_name: str | None
    email: str | None
    phone: str | None
    santri_count: int | None
    existing_pesantren_id: int | None = Field(
        description="A row already registered (``same``): that pesantren's id."
    )
    problems: list[str] = Field(
        description="Why a refused row is refused, in the reader's language."
    )


class RegistryImport(BaseModel):
    token: str = Field(
        description="Names the preview (GET) and its confirmation (POST .../confirm)."
    )
    filename: str
    created_at: datetime
    confirmable: bool = Field(description="At least one new row: confirming writes something.")
    counts: RegistryCounts
    lines: list[RegistryRowOut] = Field(
        description="The rows, in the file's order: at most 300 of each status (the counts say "
        "the rest)."
    )


class RegistryImportResult(BaseModel):
    created: int = Field(description="Pesantren added, verified, their managers invited.")
    same: int = Field(description="Rows already in the registry: unchanged.")
    refused: int = Field(description="Rows skipped for their problems.")


class PendingInvitation(BaseModel):
    user_id: int
    name: str
    email: str
    pesantren_id: int | None
    pesantren_name: str | None
    invited_at: datetime


class PendingInvitationList(BaseModel):
    items: list[PendingInvitation] = Field(description="Newest first, at most 200.")


class InvitationSent(BaseModel):
    user_id: int
    name: str
    pesantren_id: int
    pesantren_name: str
    share_text: str = Field(
        description="The message to forward by WhatsApp, with the new one-time link (shown "
        "once, as on the page; the e-mail is queued)."
    )
    whatsapp_url: str = Field(description="A wa.me link that opens WhatsApp with the text.")
