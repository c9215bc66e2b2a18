"""The staff's page of one job: its progress while it runs (the page reloads itself, no
script), the run it made when done."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import current_user

from exchange.auth.permissions import staff_required
from exchange.db import utcnow
from exchange.jobs import registry, services
from exchange.jobs.policy import ACTIVE

bp = Blueprint("jobs", __name__)

#: Seconds between reloads of a running job's page.
REFRESH_SECONDS = 3


@bp.route("/staf/pekerjaan/<int:job_id>")
@staff_required
def show(job_id: int):
    job = services.job_for_staff(current_user, job_id)
    handler = registry.handler(job.kind)
    run_url = None
    if job.run_id is not None:
        run_url = url_for(handler.run_endpoint, run_id=job.run_id)
    end = job.finished_at or utcnow()
    seconds = (end - job.started_at).total_seconds() if job.started_at else None
    return render_template(
        "jobs/show.html",
        job=job,
        run_url=run_url,
        runs_url=url_for(handler.runs_endpoint),
        seconds=seconds,
        refresh=REFRESH_SECONDS if job.status in ACTIVE else None,
    )
