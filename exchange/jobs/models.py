"""A job (one clearing or kliring run being made) and the tasks of its queue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.db import UTCDateTime, enum_type, intpk, timestamp
from exchange.extensions import db
from exchange.jobs.policy import JobKind, JobStage, JobStatus, TaskStatus, TaskStep

_ACTIVE_SQL = text("status IN ('queued', 'running')")


class Job(db.Model):
    """One run being made: its progress for the staff page, and the run it made when done."""

    __tablename__ = "jobs"
    __table_args__ = (
        # One queued or running job per kind: a second start finds the first (the database
        # says so too, for two staff pressing "run now" at once).
        Index(
            "uq_jobs_one_active",
            "kind",
            unique=True,
            postgresql_where=_ACTIVE_SQL,
            sqlite_where=_ACTIVE_SQL,
        ),
    )

    id: Mapped[intpk]
    kind: Mapped[JobKind] = mapped_column(enum_type(JobKind, 12, "kind_valid"))
    status: Mapped[JobStatus] = mapped_column(
        enum_type(JobStatus, 12, "status_valid"), default=JobStatus.QUEUED
    )
    stage: Mapped[JobStage] = mapped_column(
        enum_type(JobStage, 12, "stage_valid"), default=JobStage.QUEUED
    )
    parts_total: Mapped[int] = mapped_column(Integer, default=0)
    parts_done: Mapped[int] = mapped_column(Integer, default=0)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The moment the run is made as of (the scheduler's or the staff's "now").
    as_of: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[timestamp]
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The MatchRun or NettingRun it made; set once, in the transaction that stores the run.
    run_id: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    # What the prepare step read (the market), for the store step; emptied when done.
    snapshot: Mapped[str | None] = mapped_column(Text)

    started_by = relationship("User")


class JobTask(db.Model):
    """One unit of a job that any worker may take. (job, step, key) is unique: a retried or
    doubly-finished step can never add a second row."""

    __tablename__ = "job_tasks"
    __table_args__ = (
        UniqueConstraint("job_id", "step", "key", name="uq_job_tasks_job_step_key"),
        Index("ix_job_tasks_status_id", "status", "id"),
    )

    id: Mapped[intpk]
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"))
    step: Mapped[TaskStep] = mapped_column(enum_type(TaskStep, 12, "step_valid"))
    key: Mapped[str] = mapped_column(String(80), default="")
    status: Mapped[TaskStatus] = mapped_column(
        enum_type(TaskStatus, 12, "status_valid"), default=TaskStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    payload: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    job = relationship("Job")
