"""The privacy policy, a person's own data (download, ask for deletion), and staff's queue."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from exchange.auth.permissions import staff_required
from exchange.errors import DomainError
from exchange.privacy import services
from exchange.privacy.forms import DeclineForm, DeletionForm
from exchange.web.refusals import flash_refusal

bp = Blueprint("privacy", __name__)


@bp.route("/privasi")
def policy():
    return render_template("privacy/policy.html")


@bp.route("/akun/data-saya")
@login_required
def mine():
    return render_template(
        "privacy/mine.html",
        form=DeletionForm(),
        requests=services.my_requests(current_user),
    )


@bp.route("/akun/data-saya.json")
@login_required
def export():
    body = json.dumps(services.export_data(current_user), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="data-saya-bursa-pesantren.json"'},
    )


@bp.post("/akun/data-saya/hapus")
@login_required
def request_deletion():
    form = DeletionForm()
    if not current_user.is_manager:
        abort(404)  # staff accounts are closed by an admin
    if form.validate_on_submit():
        try:
            services.request_deletion(current_user, form.reason.data or "")
        except DomainError as error:
            flash_refusal(error)
        else:
            flash(_("Permintaan penghapusan dicatat. Staf OPOP akan memprosesnya."), "info")
    else:
        flash(_("Permintaan tidak sah; muat ulang halaman lalu coba lagi."), "error")
    return redirect(url_for("privacy.mine"))


@bp.route("/staf/privasi")
@staff_required
def requests():
    return render_template(
        "privacy/requests.html", requests=services.open_requests(), decline_form=DeclineForm()
    )


@bp.route("/staf/privasi/<int:request_id>/laksanakan", methods=["GET", "POST"])
@staff_required
def carry_out(request_id: int):
    """Anonymising cannot be undone: GET (or a POST without ``confirmed``) asks first."""
    if request.method == "GET" or request.form.get("confirmed") != "1":
        pending = {r.id: r for r in services.open_requests() if r.status == "pending"}
        if request_id not in pending:
            abort(404)
        who = pending[request_id].user
        return render_template(
            "site/confirm.html",
            title=_("Anonimkan data pribadi"),
            question=_(
                "Anonimkan data pribadi %(name)s (%(email)s)?", name=who.name, email=who.email
            ),
            consequence=_(
                "Nama, e-mail, telepon dan kata sandinya dihapus dan ia tidak dapat masuk lagi. "
                "Ini tidak dapat dibatalkan. Kontrak, kesepakatan dan jejak audit tetap."
            ),
            action=url_for("privacy.carry_out", request_id=request_id),
            button=_("Laksanakan (anonimkan)"),
            back=url_for("privacy.requests"),
        )
    try:
        services.carry_out(current_user, request_id)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(_("Data pribadi dihapus (dianonimkan); kontrak dan jejak audit tetap."), "info")
    return redirect(url_for("privacy.requests"))


@bp.post("/staf/privasi/<int:request_id>/tolak")
@staff_required
def decline(request_id: int):
    form = DeclineForm()
    try:
        services.decline(current_user, request_id, form.answer.data or "")
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(_("Permintaan ditolak; pemohon dapat membaca alasannya."), "info")
    return redirect(url_for("privacy.requests"))
