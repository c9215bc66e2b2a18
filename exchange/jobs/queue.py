"""The queue: tasks in the ``job_tasks`` table, taken by any worker with ``SELECT ... FOR UPDATE
SKIP LOCKED`` on PostgreSQL (one statement, so SQLite's single writer needs no more).

A taken task holds a lease that its worker's heartbeat renews; a worker that dies stops
renewing, and once the lease has run out any worker takes the task again. A finish counts only
while the finishing worker still holds the task (a conditional UPDATE), and each step's rows are
written in that same transaction, so a task done twice writes once (docs/jobs.md).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update

from exchange.db import utcnow
from exchange.extensions import db
from exchange.jobs.models import Job, JobTask
from exchange.jobs.policy import ACTIVE, MAX_ATTEMPTS, TaskStatus
from exchange.jobs.wakeup import Waiter

log = logging.getLogger(__name__)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def lease_seconds() -> float:
    return float(current_app.config["JOB_LEASE_SECONDS"])


def _claimable(now):
    return or_(
        JobTask.status == TaskStatus.QUEUED.value,
        (JobTask.status == TaskStatus.RUNNING.value) & (JobTask.lease_until < now),
    )


def claim(worker: str) -> int | None:
    """Take the oldest task nobody holds (queued, or its worker's lease ran out) and commit;
    its id, or None when there is none."""
    now = utcnow()
    pick = (
        select(JobTask.id)
        .where(_claimable(now))
        .order_by(JobTask.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    task_id = db.session.execute(
        update(JobTask)
        .where(JobTask.id == pick, _claimable(now))
        .values(
            status=TaskStatus.RUNNING.value,
            claimed_by=worker,
            lease_until=now + timedelta(seconds=lease_seconds()),
            attempts=JobTask.attempts + 1,
        )
        .returning(JobTask.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    db.session.commit()
    return task_id


class Heartbeat:
    """While a task runs: renew its lease and the job's heartbeat every third of the lease, on
    a connection of its own (the task's transaction may be long)."""

    def __init__(self, task_id: int, job_id: int, worker: str):
        self.engine = db.engine
        self.every = max(lease_seconds() / 3, 0.2)
        self.lease = lease_seconds()
        self.ids = task_id, job_id
        self.worker = worker
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name="job-heartbeat")

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def _run(self) -> None:
        task_id, job_id = self.ids
        while not self.stop.wait(self.every):
            now = utcnow()
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        update(JobTask)
                        .where(JobTask.id == task_id, JobTask.claimed_by == self.worker)
                        .where(JobTask.status == TaskStatus.RUNNING.value)
                        .values(lease_until=now + timedelta(seconds=self.lease))
                    )
                with self.engine.begin() as conn:  # apart: the job row may be locked a while
                    conn.execute(update(Job).where(Job.id == job_id).values(heartbeat_at=now))
            except Exception:  # noqa: BLE001 - a missed beat only shortens the lease
                log.warning("job heartbeat missed (database busy or away)", exc_info=True)


def still_mine(task_id: int, worker: str, **values) -> bool:
    """Inside the finishing transaction: mark the task done (with ``values``) if this worker
    still holds it."""
    return (
        db.session.execute(
            update(JobTask)
            .where(
                JobTask.id == task_id,
                JobTask.claimed_by == worker,
                JobTask.status == TaskStatus.RUNNING.value,
            )
            .values(status=TaskStatus.DONE.value, finished_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def too_many_attempts(task: JobTask) -> bool:
    return task.attempts > MAX_ATTEMPTS


def queue_depth() -> dict[str, int]:
    """Tasks waiting, held, and held by a worker whose lease ran out (it died), and the jobs
    queued or running: for a gauge (``exchange.jobs.queue.queue_depth``)."""
    now = utcnow()
    counts = dict(
        db.session.execute(
            select(JobTask.status, func.count())
            .where(JobTask.status.in_([TaskStatus.QUEUED.value, TaskStatus.RUNNING.value]))
            .group_by(JobTask.status)
        ).all()
    )
    stale = db.session.scalar(
        select(func.count())
        .select_from(JobTask)
        .where(JobTask.status == TaskStatus.RUNNING.value, JobTask.lease_until < now)
    )
    jobs = db.session.scalar(
        select(func.count()).select_from(Job).where(Job.status.in_([s.value for s in ACTIVE]))
    )
    return {
        "queued": int(counts.get(TaskStatus.QUEUED, 0)),
        "running": int(counts.get(TaskStatus.RUNNING, 0)),
        "stale": int(stale or 0),
        "jobs_active": int(jobs or 0),
    }


def any_active_job() -> bool:
    return bool(
        db.session.scalar(
            select(func.count()).select_from(Job).where(Job.status.in_([s.value for s in ACTIVE]))
        )
    )


def work(
    run_task, worker: str | None = None, burst: bool = False, stop=None, own_session=True
) -> int:
    """Take and run tasks until ``stop`` is set; with ``burst``, until no job is queued or
    running. Returns how many tasks this worker finished. ``own_session`` False: the caller's
    session is kept between tasks (inline, its objects stay usable). An idle worker waits for
    new work (``wakeup``) at most the poll interval, and never longer than a lease: a task
    whose worker died is taken over without a notification."""
    worker = worker or worker_id()
    idle = min(float(current_app.config["JOB_POLL_SECONDS"]), lease_seconds())
    waiter = None if burst else Waiter(stop)  # a burst (inline, a thread) listens once it waits
    done = 0
    try:
        while stop is None or not stop.is_set():
            task_id = claim(worker)
            if task_id is None:
                if burst and not any_active_job():
                    break
                if own_session:
                    db.session.remove()
                if waiter is None:
                    waiter = Waiter(stop)
                    continue  # listening now: look once more before waiting
                waiter.wait(idle)
                continue
            done += run_task(task_id, worker)
            if own_session:
                db.session.remove()
    finally:
        if waiter is not None:
            waiter.close()
    return done
