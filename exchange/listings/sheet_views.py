"""A manager's listings through a spreadsheet: download, upload, preview, confirm (no JS)."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from exchange.auth.permissions import manager_required
from exchange.errors import Invalid
from exchange.listings import sheet_services
from exchange.listings.sheet import Action
from exchange.listings.views import bp
from exchange.sheets import MAX_BYTES
from exchange.web.forms import SheetUploadForm, status_for
from exchange.web.refusals import flash_refusal, show_refusal

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/listing/lembar", methods=["GET", "POST"])
@manager_required
def sheet():
    form = SheetUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            kept = sheet_services.upload_listings(
                current_user, upload.filename or "", upload.stream.read(MAX_BYTES + 1)
            )
        except Invalid as exc:
            show_refusal(form, exc)
        else:
            return redirect(url_for("listings.sheet_preview", token=kept.token))
    return render_template("listings/sheet.html", form=form), status_for(form)


@bp.get("/listing/lembar/listing-saya.csv", defaults={"kind": "csv"})
@bp.get("/listing/lembar/listing-saya.xlsx", defaults={"kind": "xlsx"})
@manager_required
def sheet_download(kind: str):
    return Response(
        sheet_services.own_listings_file(current_user, kind),
        mimetype=XLSX if kind == "xlsx" else "text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename=listing-saya.{kind}"},
    )


@bp.get("/listing/lembar/<token>")
@manager_required
def sheet_preview(token: str):
    upload, rows = sheet_services.preview(current_user, token)
    counts = {a: sum(r.action == a for r in rows) for a in Action}
    return render_template(
        "listings/sheet_preview.html",
        upload=upload,
        rows=rows,
        counts=counts,
        Action=Action,
        columns=sheet_services.FIELD_COLUMNS,
    )


@bp.post("/listing/lembar/<token>")
@manager_required
def sheet_confirm(token: str):
    try:
        counts = sheet_services.confirm(current_user, token)
    except Invalid as exc:
        flash_refusal(exc)
        return redirect(url_for("listings.sheet"))
    flash(
        _(
            "Dari lembar kerja: %(created)d listing baru, %(changed)d diubah, %(withdrawn)d "
            "ditarik, %(refused)d baris ditolak.",
            created=counts[Action.CREATE],
            changed=counts[Action.CHANGE],
            withdrawn=counts[Action.WITHDRAW],
            refused=counts[Action.REFUSED],
        ),
        "info",
    )
    return redirect(url_for("listings.mine"))
