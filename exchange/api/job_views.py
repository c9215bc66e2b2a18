"""Clearing and kliring jobs for staff tokens (scope ``staff``): start one, follow it. The same
service as the staff pages' "run now" buttons and job page (exchange/jobs/services.py)."""

from __future__ import annotations

from datetime import datetime

from flask import g, url_for
from pydantic import BaseModel, ConfigDict, Field

from exchange.api import write_schemas as w
from exchange.api.guard import acting_user, needs
from exchange.api.scopes import Scope
from exchange.api.spec import responses, spec
from exchange.api.views import bp
from exchange.api.vocab import one_of
from exchange.api.write_views import endpoint
from exchange.jobs import services as jobs
from exchange.jobs.policy import JobKind, JobStage, JobStatus

STAFF = ("staff",)


class StaffJobIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: one_of(JobKind) = Field(description="clearing (pencocokan) or netting (kliring).")


class StaffJob(BaseModel):
    """A clearing or kliring job: queued, running (by stage), then completed with its run, or
    failed with its error."""

    id: int
    kind: one_of(JobKind)
    status: one_of(JobStatus)
    stage: one_of(JobStage)
    parts_done: int = Field(description="Parts solved: one per commodity, and the by-products.")
    parts_total: int = Field(description="Parts in all (0 until the market is read).")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    run_id: int | None = Field(description="The run it stored (clearing or kliring), once done.")
    error: str | None = Field(description="Why it failed (failed jobs only).")


def _present(job) -> StaffJob:
    return StaffJob(
        id=job.id,
        kind=job.kind,
        status=job.status,
        stage=job.stage,
        parts_done=job.parts_done,
        parts_total=job.parts_total,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        run_id=job.run_id,
        error=job.error,
    )


@bp.get("/staff/jobs/<int:job_id>")
@spec.validate(resp=responses(200, StaffJob), tags=STAFF)
@needs(Scope.STAFF)
def staff_job(job_id: int):
    """A clearing or kliring job's progress (staff tokens)."""
    return _present(jobs.job_for_staff(acting_user(), job_id))


@endpoint("/staff/jobs", Scope.STAFF, json=StaffJobIn, status=202, result=StaffJob)
def start_staff_job(json: StaffJobIn, headers: w.WriteHeaders):
    """Start a clearing or kliring job and answer at once (staff tokens); Location is the
    job. A job of that kind already queued or running is answered instead of a second."""
    job = jobs.start_job(acting_user(), JobKind(json.kind))
    g.api_location = url_for("api.staff_job", job_id=job.id)
    return _present(job), 202
