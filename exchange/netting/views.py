"""Kliring pages: staff list and start runs; each pesantren sees and answers its set-off."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from exchange.auth.permissions import manager_required, staff_required
from exchange.errors import DomainError
from exchange.extensions import db
from exchange.i18n import rupiah
from exchange.jobs.policy import JobKind, JobStatus
from exchange.jobs.services import active_job, start_job
from exchange.netting import picture, queries, services
from exchange.netting.models import ANSWER_LABELS, STATUS_LABELS, Answer, RunStatus
from exchange.web.refusals import flash_refusal

bp = Blueprint("netting", __name__)


@bp.app_template_global()
def netting_status_label(status: str):
    return STATUS_LABELS[RunStatus(status)]


@bp.app_template_global()
def netting_answer_label(answer: str):
    return ANSWER_LABELS[Answer(answer)]


@bp.route("/staf/kliring")
@staff_required
def runs():
    page = db.paginate(queries.runs_query(), per_page=25, error_out=False)
    return render_template("netting/runs.html", page=page, job=active_job(JobKind.NETTING))


@bp.route("/staf/kliring/jalankan", methods=["POST"])
@staff_required
def start():
    """Starts (or finds) the kliring job and answers at once: its page shows the progress."""
    job = start_job(current_user, JobKind.NETTING)
    if job.status == JobStatus.COMPLETED:  # JOB_QUEUE=inline: it ran before the answer
        flash(_("Putaran kliring #%(run)d dihitung.", run=job.run_id), "info")
        return redirect(url_for("netting.show", run_id=job.run_id))
    flash(_("Kliring berjalan di latar belakang."), "info")
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/kliring")
@manager_required
def mine():
    if current_user.pesantren_id is None:
        abort(404)
    return render_template("netting/mine.html", runs=queries.runs_of(current_user.pesantren_id))


@bp.route("/kliring/<int:run_id>")
@login_required
def show(run_id: int):
    run = services.load_run(current_user, run_id)
    svg = ""
    if current_user.is_staff:
        words = (
            _(
                "Lingkaran bernomor: pesantren. Panah: utang dari yang membayar ke yang menerima, "
                "dengan jumlah yang diperhitungkan."
            ),
            _("Siklus dengan %(amount)s diperhitungkan"),
            _("ke"),
        )
        svg = picture.svg(
            queries.picture_edges(run), rupiah, _("Siklus kliring terbesar"), words=words
        )
    pid = current_user.pesantren_id
    return render_template(
        "netting/show.html",
        run=run,
        # the picture is built from escaped text only (picture.py)
        picture=Markup(svg),  # noqa: S704  # nosec B704
        position=queries.position(run, pid) if pid else None,
    )


def _answer(run_id: int, service, done: str):
    try:
        service(current_user, run_id)
    except DomainError as exc:
        flash_refusal(exc)
    else:
        flash(done, "info")
    return redirect(url_for("netting.show", run_id=run_id))


@bp.route("/kliring/<int:run_id>/konfirmasi", methods=["POST"])
@manager_required
def confirm(run_id: int):
    return _answer(run_id, services.confirm, _("Konfirmasi Anda dicatat."))


@bp.route("/kliring/<int:run_id>/tolak", methods=["POST"])
@manager_required
def decline(run_id: int):
    return _answer(run_id, services.decline, _("Anda menolak; kliring dihitung ulang tanpa Anda."))
