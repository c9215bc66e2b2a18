"""The jobs' vocabulary: kinds, states, stages and the steps of a job's tasks. Pure."""

from __future__ import annotations

from enum import StrEnum


class JobKind(StrEnum):
    CLEARING = "clearing"  # the matching engine's clearing run (pencocokan)
    NETTING = "netting"  # the kliring run (set-off of debts)


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


#: A job that still holds its kind's one place: a second start returns it.
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class JobStage(StrEnum):
    QUEUED = "queued"  # waiting for a worker
    PREPARING = "preparing"  # loading the market and splitting it into tasks
    SOLVING = "solving"  # the per-commodity tasks
    STORING = "storing"  # writing the run in one transaction
    DONE = "done"


class TaskStep(StrEnum):
    PREPARE = "prepare"  # one per job: load, snapshot, split
    SOLVE = "solve"  # one per part (a commodity): pure computation
    STORE = "store"  # one per job: the run and its rows, exactly once


class TaskStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class QueueMode(StrEnum):
    """``JOB_QUEUE``: who runs the tasks."""

    THREAD = "thread"  # a thread of the process that started the job (SQLite, make run)
    WORKER = "worker"  # worker processes (``flask --app wsgi exchange worker``), one or many
    INLINE = "inline"  # the caller, before the start returns (tests, the command line)


#: A task whose worker died is taken again at most this many times in all, then the job fails.
MAX_ATTEMPTS = 3
