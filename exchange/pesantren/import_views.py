"""Staff pages of the registry import: upload, preview, confirm; the invitations waiting."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from exchange.auth.invitations import (
    pending_invitations,
    resend_invitation,
    share_text,
    whatsapp_url,
)
from exchange.auth.permissions import staff_required
from exchange.errors import Invalid
from exchange.pesantren import importing
from exchange.pesantren.import_rows import RowStatus
from exchange.pesantren.views import bp
from exchange.sheets import MAX_BYTES
from exchange.web.forms import SheetUploadForm, status_for
from exchange.web.refusals import show_refusal

SHOWN = 300  # rows of each kind listed on the preview (the counts say the rest)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/impor", methods=["GET", "POST"])
@staff_required
def import_registry():
    form = SheetUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            kept = importing.upload_registry(
                current_user, upload.filename or "", upload.stream.read(MAX_BYTES + 1)
            )
        except Invalid as exc:
            show_refusal(form, exc)
        else:
            return redirect(url_for("pesantren.import_preview", token=kept.token))
    return render_template("pesantren/import.html", form=form), status_for(form)


@bp.get("/impor/contoh.csv", defaults={"kind": "csv"})
@bp.get("/impor/contoh.xlsx", defaults={"kind": "xlsx"})
@staff_required
def import_template(kind: str):
    mimetype = XLSX if kind == "xlsx" else "text/csv; charset=utf-8"
    return Response(
        importing.template_file(kind),
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename=contoh-pesantren.{kind}"},
    )


@bp.get("/impor/<token>")
@staff_required
def import_preview(token: str):
    upload, rows = importing.preview(current_user, token)
    by_status = {s: [r for r in rows if r.status == s] for s in RowStatus}
    return render_template(
        "pesantren/import_preview.html",
        upload=upload,
        rows=by_status,
        shown=SHOWN,
        problems=importing.problems_text,
        RowStatus=RowStatus,
    )


@bp.post("/impor/<token>")
@staff_required
def import_confirm(token: str):
    result = importing.confirm(current_user, token)
    flash(
        _(
            "%(created)d pesantren ditambahkan dan terverifikasi, pengelolanya diundang lewat "
            "e-mail; %(same)d sudah terdaftar (tidak berubah); %(refused)d baris ditolak.",
            created=result.created,
            same=result.same,
            refused=result.refused,
        ),
        "info",
    )
    return redirect(url_for("pesantren.invitations"))


@bp.get("/undangan")
@staff_required
def invitations():
    return render_template("pesantren/invitations.html", users=pending_invitations(), sent=None)


@bp.post("/undangan/<int:user_id>")
@staff_required
def resend(user_id: int):
    """A new link: the e-mail goes out again, and the page shows the WhatsApp text once."""
    user, link = resend_invitation(current_user, user_id)
    text = share_text(user, user.pesantren.name, link)
    sent = {"user": user, "text": text, "wa": whatsapp_url(user.phone, text)}
    return render_template("pesantren/invitations.html", users=pending_invitations(), sent=sent)
