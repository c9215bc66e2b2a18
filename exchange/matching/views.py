"""Matching pages: suggestions for a listing, reciprocal partners, proposals, clearing runs."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from exchange.auth.permissions import manager_required, require_own, staff_required
from exchange.clock import today_wib
from exchange.errors import DomainError
from exchange.extensions import db
from exchange.i18n import number
from exchange.jobs.policy import JobKind, JobStatus
from exchange.jobs.services import active_job, start_job
from exchange.listings import queries as listing_queries
from exchange.matching import queries, services
from exchange.matching.models import MatchRun
from exchange.pesantren.models import Pesantren
from exchange.web.refusals import flash_refusal
from exchange.web.urls import safe_next

bp = Blueprint("matching", __name__)


@bp.app_template_global()
def listing_url(listing_id: int) -> str:
    """The listing's page."""
    return url_for("listings.detail", listing_id=listing_id)


@bp.app_template_global()
def open_deal_url(proposal_id: int) -> str:
    """Where "open negotiation" on a proposal goes: the negotiation form, prefilled."""
    return url_for("deals.open", proposal=proposal_id)


@bp.route("/pasar/<int:listing_id>/saran")
def suggestions(listing_id: int):
    """The owner's page, as the API's ``/listings/<id>/suggestions``: 404 for anyone else."""
    listing = listing_queries.visible_listing(current_user, listing_id)
    require_own(current_user, listing.pesantren_id if listing else None)
    found = queries.suggestions_for(listing_id, current_user, today_wib())
    return render_template(
        "matching/suggestions.html",
        listing=found.listing,
        suggestions=found.rows,
        suggestions_active=found.active,
    )


@bp.route("/mitra")
@manager_required
def partners():
    pesantren = current_user.pesantren
    if pesantren is None:
        abort(404)
    run = queries.latest_run()
    rows = queries.reciprocal_partners(pesantren.id, run)
    return render_template("matching/partners.html", pesantren=pesantren, partners=rows, run=run)


@bp.route("/pesantren/<int:pesantren_id>/mitra")
def public_partners(pesantren_id: int):
    pesantren = db.session.get(Pesantren, pesantren_id)
    if pesantren is None or not pesantren.is_verified:
        abort(404)
    run = queries.latest_run()
    rows = queries.reciprocal_partners(pesantren.id, run)
    return render_template("matching/partners.html", pesantren=pesantren, partners=rows, run=run)


@bp.route("/usulan/<int:proposal_id>/tolak", methods=["GET", "POST"])
@login_required
def decline(proposal_id: int):
    """GET asks once (declining is permanent); POST declines."""
    if request.method == "GET":
        proposal = queries.party_proposal(current_user, proposal_id)
        back = safe_next(request.args.get("next")) or url_for("dashboard.home")
        return render_template(
            "site/confirm.html",
            title=_("Tolak usulan"),
            question=_(
                "Tolak usulan %(q)s %(unit)s %(name)s?",
                q=number(proposal.quantity),
                unit=proposal.commodity.unit,
                name=proposal.commodity.name(str(get_locale())),
            ),
            consequence=_("Pasangan ini tidak akan diusulkan lagi; ini tidak dapat diurungkan."),
            action=url_for("matching.decline", proposal_id=proposal.id),
            button=_("Tolak usulan"),
            back=back,
            hidden={"next": back},
        )
    try:
        services.decline_proposal(current_user, proposal_id)
    except DomainError as exc:
        flash_refusal(exc)
    else:
        flash(_("Usulan ditolak; pasangan ini tidak akan diusulkan lagi."), "info")
    return redirect(safe_next(request.form.get("next")) or url_for("dashboard.home"))


@bp.route("/staf/pencocokan")
@staff_required
def runs():
    page = db.paginate(queries.runs_query(), per_page=25, error_out=False)
    return render_template("matching/runs.html", page=page, job=active_job(JobKind.CLEARING))


@bp.route("/staf/pencocokan/<int:run_id>")
@staff_required
def run(run_id: int):
    match_run = db.get_or_404(MatchRun, run_id)
    page = db.paginate(queries.run_proposals_query(run_id), per_page=50, error_out=False)
    return render_template("matching/run.html", run=match_run, page=page)


@bp.route("/staf/pencocokan/jalankan", methods=["POST"])
@staff_required
def start_run():
    """Starts (or finds) the clearing job and answers at once: its page shows the progress."""
    job = start_job(current_user, JobKind.CLEARING)
    if job.status == JobStatus.COMPLETED:  # JOB_QUEUE=inline: it ran before the answer
        run = db.session.get(MatchRun, job.run_id)
        flash(
            _(
                "Pencocokan selesai: %(n)d usulan dari %(l)d listing.",
                n=run.proposals_count,
                l=run.listings_count,
            ),
            "info",
        )
        return redirect(url_for("matching.runs"))
    flash(_("Pencocokan berjalan di latar belakang."), "info")
    return redirect(url_for("jobs.show", job_id=job.id))
