"""Staff import OPOP's list of pesantren binaan: preview first, then one confirmed write.

The upload is read once and kept (``exchange.uploads``); the preview and the confirmation both
check its rows against the registry as it is then. Confirming adds every new row's pesantren,
verified by that act (audited), and its manager's account with an invitation in the outbox, in
one transaction. A row already in the registry with the same manager is left as it is, so the
same file uploaded again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from exchange.audit.services import record
from exchange.auth.invitations import new_manager, send_invitation
from exchange.auth.models import User
from exchange.auth.permissions import require_staff
from exchange.db import utcnow
from exchange.errors import Invalid, InvalidFields
from exchange.extensions import db
from exchange.pesantren.import_messages import row_problem, sheet_error
from exchange.pesantren.import_rows import (
    HEADERS,
    RegencyIndex,
    RegistryRow,
    RowStatus,
    header_keys,
    name_key,
    read_rows,
)
from exchange.pesantren.models import Pesantren, PesantrenStatus, PesantrenStatusChange, Regency
from exchange.pesantren.registry import clean_registry
from exchange.sheets import SheetError, csv_bytes, read_sheet, xlsx_bytes
from exchange.uploads.models import SheetUpload, UploadKind
from exchange.uploads.services import keep, kept, use


@dataclass(frozen=True)
class ImportResult:
    created: int
    same: int
    refused: int


def upload_registry(staff, filename: str, data: bytes) -> SheetUpload:
    """Read the file and keep its rows for the preview (nothing of the registry changes).
    Raises NotFound (not staff), Invalid (a file that cannot be read, past the limits, or
    without the required columns)."""
    require_staff(staff)
    try:
        header, rows = read_sheet(filename, data)
        header_keys(header)
    except SheetError as exc:
        raise Invalid(sheet_error(exc), field="file") from exc
    upload = keep(staff, UploadKind.REGISTRY, filename, header, rows)
    db.session.commit()
    return upload


def preview(staff, token: str) -> tuple[SheetUpload, list[RegistryRow]]:
    """The kept upload and each row as it would be stored, or why it is refused."""
    require_staff(staff)
    upload = kept(staff, UploadKind.REGISTRY, token)
    return upload, checked_rows(upload.content["header"], upload.content["rows"])


def confirm(staff, token: str) -> ImportResult:
    """Write the new rows (verified pesantren, invited managers) in one transaction; the
    upload cannot be confirmed again. Raises NotFound (not staff; an unknown or used upload)."""
    require_staff(staff)
    upload = kept(staff, UploadKind.REGISTRY, token)
    rows = checked_rows(upload.content["header"], upload.content["rows"])
    new = [row for row in rows if row.status == RowStatus.NEW]
    now = utcnow()
    added = []
    for row in new:
        values = row.values["stored"]
        pesantren = Pesantren(status=PesantrenStatus.VERIFIED, status_changed_at=now, **values)
        db.session.add(pesantren)
        added.append((row, pesantren))
    db.session.flush()
    for row, pesantren in added:
        db.session.add(
            PesantrenStatusChange(
                pesantren_id=pesantren.id,
                actor_id=staff.id,
                from_status=None,
                to_status=PesantrenStatus.VERIFIED,
                reason=_("Diimpor dari daftar pesantren binaan OPOP."),
            )
        )
        row.values["user"] = new_manager(
            row.values["email"], row.values["manager_name"], pesantren.id, pesantren.phone
        )
    db.session.flush()
    for row, pesantren in added:
        user = row.values["user"]
        send_invitation(user, pesantren.name, now, first=True)
        record(
            "pesantren.imported",
            pesantren,
            actor=staff,
            pesantren_id=pesantren.id,
            upload=upload.id,
            line=row.line,
            manager=user.id,
            flush=False,
        )
    result = ImportResult(
        created=len(added),
        same=sum(r.status == RowStatus.SAME for r in rows),
        refused=sum(r.status == RowStatus.REFUSED for r in rows),
    )
    use(upload)
    record(
        "registry.imported",
        upload,
        actor=staff,
        created=result.created,
        same=result.same,
        refused=result.refused,
        filename=upload.filename,
    )
    db.session.commit()
    return result


def checked_rows(header: list, rows: list) -> list[RegistryRow]:
    """The rows read, then checked against the registry (a few queries for the whole file)."""
    # Held here, so clean_registry's lookups of them find them in the session.
    regencies = db.session.scalars(select(Regency)).all()
    names = {r.code: r.name for r in regencies}
    checked = read_rows(header, rows, RegencyIndex(list(names.items())))
    by_nspp, by_name = _registry()
    emails = dict(
        db.session.execute(select(func.lower(User.email), User.pesantren_id)).tuples().all()
    )
    for row in checked:
        if row.status == RowStatus.REFUSED:
            continue
        values = row.values
        values["regency_name"] = names.get(values["regency_code"], "")
        match = None
        if values["nspp"] and values["nspp"] in by_nspp:
            match = by_nspp[values["nspp"]]
            code = "duplicate_nspp"
        elif (name_key(values["name"]), values["regency_code"]) in by_name:
            match = by_name[(name_key(values["name"]), values["regency_code"])]
            code = "duplicate_name"
        if match is not None:
            if emails.get(values["email"], 0) == match[0]:
                row.status, row.existing_id = RowStatus.SAME, match[0]
            else:
                row.refuse(code, name=match[1])
            continue
        if values["email"] in emails:
            row.refuse("email_taken")
            continue
        _clean(row)
    return checked


def _registry() -> tuple[dict, dict]:
    by_nspp, by_name = {}, {}
    for pid, nspp, name, regency in db.session.execute(
        select(Pesantren.id, Pesantren.nspp, Pesantren.name, Pesantren.regency_code)
    ):
        if nspp:
            by_nspp[nspp] = (pid, name)
        by_name[(name_key(name), regency)] = (pid, name)
    return by_nspp, by_name


def _clean(row: RegistryRow) -> None:
    """The registry's own rules (lengths, no HTML, coordinates of the regency seat)."""
    values = row.values
    data = {
        "name": values["name"],
        "kopontren_name": values["kopontren_name"],
        "kopontren_legal_number": values["kopontren_legal_number"],
        "address": values["address"],
        "regency_code": values["regency_code"],
        "phone": values["phone"],
        "santri_count": values["santri_count"],
        "halal_certificates": "\n".join(values["halal"]),
    }
    try:
        stored, _warnings = clean_registry(data)
    except InvalidFields as exc:
        for text, _field in exc.details:
            row.refuse("invalid", text=text)
        return
    except Invalid as exc:
        row.refuse("invalid", text=exc.message)
        return
    stored["nspp"] = values["nspp"]
    values["stored"] = stored


def problems_text(row: RegistryRow) -> list[str]:
    return [row_problem(code, params) for code, params in row.problems]


TEMPLATE_ROW = (
    "Pondok Pesantren Contoh",
    "510035150001",
    "Kabupaten Sidoarjo",
    "Jl. Contoh No. 1, Sidoarjo",
    "Kopontren Contoh",
    "AHU-0001234.AH.01.29.TAHUN 2020",
    "Ahmad Fauzi",
    "pengelola@contoh.id",
    "0812 3456 7890",
    350,
    "ID35110001325901022",
)


def template_file(kind: str) -> bytes:
    """The template to fill: the header and one example row (a test keeps them the same width)."""
    if kind == "xlsx":
        return xlsx_bytes(HEADERS, [TEMPLATE_ROW], title="Pesantren")
    return csv_bytes(HEADERS, [TEMPLATE_ROW])
