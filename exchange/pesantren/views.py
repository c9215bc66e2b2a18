from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from exchange.auth.permissions import is_manager_of, manager_required, staff_required
from exchange.deals.queries import recent_ratings, reputation
from exchange.errors import DomainError, Invalid, NotFound
from exchange.extensions import db
from exchange.pesantren import queries, services
from exchange.pesantren.forms import PesantrenEditForm, StatusForm, regency_choices
from exchange.pesantren.models import PesantrenStatus
from exchange.pesantren.registry import halal_lines
from exchange.pesantren.states import staff_actions
from exchange.web.forms import status_for
from exchange.web.refusals import show_refusal
from exchange.web.urls import safe_next

bp = Blueprint("pesantren", __name__, url_prefix="/pesantren")


@bp.app_template_global()
def status_label(status: str) -> str:
    return services.status_label(status)


@bp.route("/")
def directory():
    q = request.args.get("q", "").strip()
    regency = request.args.get("kabupaten", "").strip()
    page = db.paginate(
        queries.directory_query(q, regency), per_page=25, error_out=False, max_per_page=50
    )
    return render_template(
        "pesantren/directory.html", page=page, q=q, regency=regency, regencies=regency_choices()
    )


@bp.route("/<int:pesantren_id>")
def profile(pesantren_id: int):
    pesantren = queries.visible_pesantren(current_user, pesantren_id)
    figures = reputation(pesantren.id)
    return render_template(
        "pesantren/profile.html",
        p=pesantren,
        own=is_manager_of(current_user, pesantren.id),
        reputation=figures,
        comments=recent_ratings(pesantren.id),
        answer_time=answer_time(figures.median_answer),
    )


def answer_time(value: timedelta | None) -> str | None:
    """A median answer time in words: "40 menit", "3 jam 20 menit", "2 hari 4 jam"."""
    if value is None:
        return None
    minutes = max(1, round(value.total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d hari %(h)d jam", d=days, h=hours) if hours else _("%(d)d hari", d=days)
    if hours:
        return (
            _("%(h)d jam %(m)d menit", h=hours, m=minutes) if minutes else _("%(h)d jam", h=hours)
        )
    return _("%(m)d menit", m=minutes)


@bp.route("/saya")
@manager_required
def mine():
    pesantren = current_user.pesantren
    if pesantren is None:
        abort(404)
    return render_template(
        "pesantren/mine.html", p=pesantren, history=queries.history(pesantren.id)
    )


@bp.route("/<int:pesantren_id>/ubah", methods=["GET", "POST"])
@login_required
def edit(pesantren_id: int):
    if not is_manager_of(current_user, pesantren_id):
        abort(404)
    pesantren = current_user.pesantren
    form = PesantrenEditForm(obj=pesantren)
    if request.method == "GET" or "halal_certificates" not in request.form:
        # the stored list as the form's lines; a post without the field keeps what is on file
        form.halal_certificates.data = halal_lines(pesantren.halal_certificates)
    if form.validate_on_submit():
        try:
            warnings = services.update_pesantren(current_user, pesantren_id, form.registry_data())
        except Invalid as exc:
            show_refusal(form, exc)
        else:
            for warning in warnings:
                flash(warning, "warning")
            flash(_("Data pesantren disimpan."), "info")
            return redirect(url_for("pesantren.mine"))
    return render_template("pesantren/edit.html", form=form, p=pesantren), status_for(form)


@bp.route("/verifikasi")
@staff_required
def queue():
    return _queue_page(request.args.get("status", PesantrenStatus.PENDING))


def _queue_page(status: str, card_errors: dict | None = None):
    """The queue of one status; ``card_errors``: a refusal shown next to its card's form."""
    if status not in {s.value for s in PesantrenStatus}:
        status = PesantrenStatus.PENDING
    page = db.paginate(queries.queue_query(status), per_page=20, error_out=False)
    return render_template(
        "pesantren/queue.html",
        card_errors=card_errors or {},
        page=page,
        status=status,
        counts=queries.status_counts(),
        registrants=queries.registrants(p.id for p in page.items),
        actions_for=staff_actions,
        form=StatusForm(),
    )


def _status_action(pesantren_id: int, action: str):
    form = StatusForm()
    reason = form.reason.data if form.validate() else None
    if form.errors:
        return _refused_on_card(pesantren_id, form.reason.errors[0])
    else:
        try:
            pesantren = services.change_status(current_user, pesantren_id, action, reason)
        except NotFound:
            raise
        except DomainError as exc:
            return _refused_on_card(pesantren_id, str(exc.message), exc.status_code)
        else:
            flash(
                _(
                    "%(name)s: %(status)s.",
                    name=pesantren.name,
                    status=status_label(pesantren.status),
                ),
                "info",
            )
    return redirect(safe_back())


def _refused_on_card(pesantren_id: int, message: str, status_code: int = 400):
    """The queue again (the tab the pesantren is in), the refusal next to its card's reason."""
    pesantren = queries.visible_pesantren(current_user, pesantren_id)
    return _queue_page(pesantren.status, {pesantren_id: message}), status_code


def safe_back() -> str:
    return safe_next(request.form.get("next")) or url_for("pesantren.queue")


@bp.post("/<int:pesantren_id>/verifikasi", endpoint="verify")
@staff_required
def verify(pesantren_id: int):
    return _status_action(pesantren_id, "verify")


@bp.post("/<int:pesantren_id>/tolak", endpoint="reject")
@staff_required
def reject(pesantren_id: int):
    return _status_action(pesantren_id, "reject")


@bp.post("/<int:pesantren_id>/bekukan", endpoint="suspend")
@staff_required
def suspend(pesantren_id: int):
    return _status_action(pesantren_id, "suspend")


@bp.post("/<int:pesantren_id>/pulihkan", endpoint="reinstate")
@staff_required
def reinstate(pesantren_id: int):
    return _status_action(pesantren_id, "reinstate")


from exchange.pesantren import import_views  # noqa: E402, F401 - registers its routes on bp
