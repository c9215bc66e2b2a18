"""A manager's listings through a spreadsheet: download, upload, preview, confirm.

Each row goes through the same checks as the listing form (``services._validated``: every
listing rule, the salam hold, the place) and, for a listing of the file, the same change test
as an edit. Confirming writes every planned row in one transaction, or none (a row that can no
longer be written refuses the whole upload, saying which).
"""

from __future__ import annotations

from dataclasses import replace

from flask_babel import gettext as _
from sqlalchemy import select

from exchange.catalogue.models import Commodity
from exchange.errors import DomainError, Invalid
from exchange.extensions import db
from exchange.listings import services
from exchange.listings.messages import MESSAGES, unit_problem
from exchange.listings.models import Listing, ListingStatus
from exchange.listings.sheet import (
    COLUMNS,
    Action,
    ListingFacts,
    SheetRow,
    export_row,
    header_keys,
    read_rows,
)
from exchange.sheets import SheetError, csv_bytes, read_sheet, xlsx_bytes
from exchange.uploads.models import SheetUpload, UploadKind
from exchange.uploads.services import keep, kept, sheet_error, use

# The form's field names as the spreadsheet's columns, for the preview's reasons.
FIELD_COLUMNS = {
    "side": "jenis",
    "commodity": "komoditas",
    "grade": "mutu",
    "quantity": "jumlah",
    "price": "harga",
    "min_quantity": "minimal",
    "window_start": "mulai",
    "window_end": "selesai",
    "akad": "akad",
    "max_distance_km": "jarak_maks_km",
    "note": "catatan",
    "halal_cert": "sertifikat_halal",
    "place_name": "tempat",
    "made_to_order": "barang_pesanan",
    "commodity_id": "komoditas",
    "lat": "tempat",
    "lon": "tempat",
}


def own_listings_file(user, kind: str) -> bytes:
    """The pesantren's active listings as CSV or XLSX (the file to edit and upload)."""
    services.check_trader(user)
    listings = db.session.scalars(
        select(Listing)
        .where(Listing.pesantren_id == user.pesantren_id, Listing.status == ListingStatus.ACTIVE)
        .order_by(Listing.id)
    )
    rows = [export_row(_facts(listing)) for listing in listings]
    if kind == "xlsx":
        return xlsx_bytes(COLUMNS, rows, title="Listing")
    return csv_bytes(COLUMNS, rows)


def _facts(listing: Listing) -> ListingFacts:
    return ListingFacts(
        id=listing.id,
        side=listing.side,
        commodity=listing.commodity.slug,
        grade=listing.commodity.grade_label(listing.grade),
        quantity=listing.quantity,
        price=listing.price,
        min_quantity=listing.min_quantity,
        window_start=listing.window_start,
        window_end=listing.window_end,
        akad=tuple(listing.akad),
        max_distance_km=listing.max_distance_km,
        made_to_order=bool(listing.made_to_order),
        note=listing.note or "",
        halal_cert=listing.halal_cert,
    )


def upload_listings(user, filename: str, data: bytes) -> SheetUpload:
    """Read the file and keep its rows for the preview. Raises Forbidden (not a trader),
    Invalid (unreadable, past the limits, a required column missing)."""
    services.check_trader(user)
    try:
        header, rows = read_sheet(filename, data)
        header_keys(header)
    except SheetError as exc:
        raise Invalid(sheet_error(exc), field="file") from exc
    upload = keep(user, UploadKind.LISTINGS, filename, header, rows)
    db.session.commit()
    return upload


def preview(user, token: str) -> tuple[SheetUpload, list[SheetRow]]:
    services.check_trader(user)
    upload = kept(user, UploadKind.LISTINGS, token)
    return upload, plan(user, upload.content["header"], upload.content["rows"])


def confirm(user, token: str) -> dict[Action, int]:
    """Write every planned row in one transaction. Returns how many rows of each action.
    Raises Forbidden, NotFound (unknown or used upload), Invalid (a row can no longer be
    written: nothing is)."""
    services.check_trader(user)
    upload = kept(user, UploadKind.LISTINGS, token)
    rows = plan(user, upload.content["header"], upload.content["rows"])
    try:
        for row in rows:
            if row.action == Action.CREATE:
                services.create_listing(user, row.inp, commit=False)
            elif row.action == Action.CHANGE:
                services.update_listing(user, row.listing_id, row.inp, commit=False)
            elif row.action == Action.WITHDRAW:
                services.withdraw_listing(user, row.listing_id, commit=False)
    except DomainError as exc:
        db.session.rollback()
        raise Invalid(
            _(
                "Baris %(line)d tidak dapat disimpan lagi (%(reason)s); tidak ada yang "
                "disimpan. Unggah ulang berkasnya.",
                line=row.line,
                reason=exc.message,
            )
        ) from exc
    use(upload)
    db.session.commit()
    return {action: sum(r.action == action for r in rows) for action in Action}


def plan(user, header: list, rows: list) -> list[SheetRow]:
    """What each row would do, or why it is refused (nothing is written)."""
    units = dict(db.session.execute(select(Commodity.slug, Commodity.unit)).tuples().all())
    planned = read_rows(header, rows, units)
    own = {
        listing.id: listing
        for listing in db.session.scalars(
            select(Listing).where(Listing.pesantren_id == user.pesantren_id)
        )
    }
    tokens = {listing.client_token for listing in own.values() if listing.client_token}
    for row in planned:
        if row.action == Action.REFUSED:
            row.messages = [_reader_message(p) for p in row.problems]
            continue
        if row.listing_id is None:
            _plan_new(user, row, tokens)
        else:
            _plan_existing(user, row, own.get(row.listing_id))
    return planned


def _plan_new(user, row: SheetRow, tokens: set) -> None:
    if row.inp.client_token in tokens:
        row.action = Action.UNCHANGED  # posted from this same row before
        return
    try:
        services._validated(row.inp, user.pesantren)
    except services.InvalidListing as exc:
        _refused(row, exc)
        return
    row.action = Action.CREATE


def _plan_existing(user, row: SheetRow, listing: Listing | None) -> None:
    if listing is None:
        row.action = Action.REFUSED
        row.messages = [_("id %(id)s bukan listing pesantren Anda.", id=row.listing_id)]
        return
    row.label = row.label or f"#{listing.id} {listing.commodity.slug}"
    if row.withdraw:
        row.action = Action.WITHDRAW if listing.status == ListingStatus.ACTIVE else Action.UNCHANGED
        return
    if listing.status != ListingStatus.ACTIVE:
        row.action = Action.REFUSED
        row.messages = [_("Listing #%(id)d sudah ditutup.", id=listing.id)]
        return
    inp = replace(
        row.inp,
        side=listing.side,
        lat=listing.lat,
        lon=listing.lon,
        place_name=listing.place_name or "",
        client_token=None,
    )
    row.inp = inp
    try:
        commodity, checked, _warnings = services._validated(
            inp, listing.pesantren, listing.window_start
        )
    except services.InvalidListing as exc:
        _refused(row, exc)
        return
    draft = Listing()
    services._apply(draft, checked, commodity)
    row.changed = tuple(n for n in services.EDITABLE if getattr(draft, n) != getattr(listing, n))
    if not row.changed:
        row.action = Action.UNCHANGED
    elif not listing.is_editable:
        row.action = Action.REFUSED
        row.messages = [
            _("Listing #%(id)d sudah terikat kesepakatan dan tidak dapat diubah.", id=listing.id)
        ]
    else:
        row.action = Action.CHANGE


def _refused(row: SheetRow, exc: services.InvalidListing) -> None:
    row.action = Action.REFUSED
    row.messages = [f"{FIELD_COLUMNS.get(name, name)}: {text}" for name, text in exc.errors.items()]


def _reader_message(problem: tuple) -> str:
    column, code, params = problem
    texts = {
        "formula": _("berisi rumus; tulis nilainya saja."),
        "required": str(MESSAGES["required"]),
        "side": _("tulis penawaran atau permintaan."),
        "whole": _("tulis bilangan bulat, misalnya 12500."),
        "number": _("tulis angka, misalnya 50."),
        "date": _("tulis tanggal seperti 2027-01-04 atau 04/01/2027."),
        "akad_unknown": str(MESSAGES["akad_unknown"]),
        "withdraw_needs_id": _("listing yang ditarik perlu id-nya."),
    }
    if code in ("unit_mismatch", "size_required", "not_whole"):
        return f"{column}: {unit_problem(code, params.get('unit', ''))}"
    return f"{column}: {texts.get(code, code)}"
