"""Jobs use cases: start a clearing or kliring job (at once, one per kind), run one task of it
(any worker), resume jobs whose worker died."""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from flask import current_app
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from exchange.auth.permissions import require_staff
from exchange.db import utcnow
from exchange.errors import Invalid, NotFound
from exchange.extensions import db
from exchange.jobs import queue, registry, wakeup
from exchange.jobs.models import Job, JobTask
from exchange.jobs.policy import (
    ACTIVE,
    JobKind,
    JobStage,
    JobStatus,
    QueueMode,
    TaskStatus,
    TaskStep,
)

log = logging.getLogger(__name__)


def queue_mode() -> QueueMode:
    return QueueMode(current_app.config["JOB_QUEUE"])


def active_job(kind: JobKind) -> Job | None:
    return db.session.scalar(
        select(Job).where(Job.kind == kind.value, Job.status.in_([s.value for s in ACTIVE]))
    )


def start_job(actor, kind: JobKind, now: datetime | None = None) -> Job:
    """Queue a run of ``kind`` and return at once (``JOB_QUEUE=inline``: after running it). A
    job of that kind already queued or running is returned instead of a second one. ``actor``
    None means the scheduler or the command line. Raises NotFound when ``actor`` is not staff."""
    if actor is not None:
        require_staff(actor)
    job = active_job(kind)
    if job is None:
        job = Job(
            kind=kind,
            as_of=now or utcnow(),
            started_by_id=getattr(actor, "id", None),
        )
        db.session.add(job)
        try:
            db.session.flush()
        except IntegrityError:  # another start won the one place: that job is ours too
            db.session.rollback()
            job = active_job(kind)
            if job is None:
                raise
        else:
            db.session.add(JobTask(job_id=job.id, step=TaskStep.PREPARE, key=""))
            wakeup.announce()
            db.session.commit()
    job_id = job.id
    kick()
    return db.session.get(Job, job_id)


def kick() -> None:
    """Have the queued tasks run by this process when no worker processes do (JOB_QUEUE)."""
    mode = queue_mode()
    if mode == QueueMode.INLINE:
        queue.work(run_task, burst=True, own_session=False)
    elif mode == QueueMode.THREAD:
        _start_thread(current_app._get_current_object())


_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()


def _start_thread(app) -> None:
    with _threads_lock:
        _threads[:] = [t for t in _threads if t.is_alive()]  # one that died of an error
        if _threads:
            return  # the running thread takes the new tasks too: it looks again before leaving

        def work():
            with app.app_context():
                try:
                    while True:
                        queue.work(run_task, burst=True)
                        with _threads_lock:  # a start that saw this thread committed before
                            if not queue.any_active_job():
                                _threads.clear()
                                return
                finally:
                    db.session.remove()

        thread = threading.Thread(target=work, daemon=True, name="jobs-in-process")
        _threads.append(thread)
        thread.start()


def wait_in_process(timeout: float = 60.0) -> bool:
    """Wait for this process's job thread to finish (tests, shutdown); False on time-out."""
    with _threads_lock:
        threads = list(_threads)
    for t in threads:
        t.join(timeout)
    return not any(t.is_alive() for t in threads)


def finish(job: Job) -> Job:
    """By hand (the command line): work on the job's tasks here until it is done, beside any
    workers. Raises Invalid when it failed."""
    job_id = job.id
    if job.status in ACTIVE:
        queue.work(run_task, burst=True, own_session=False)
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    if job.status != JobStatus.COMPLETED:
        raise Invalid(job.error or job.status)
    return job


def resume() -> dict[str, int]:
    """The scheduler's tick: without worker processes, run what a dead process left (a task
    whose lease ran out) or never began. Returns the queue's depth as found."""
    depth = queue.queue_depth()
    if queue_mode() != QueueMode.WORKER and (depth["queued"] or depth["stale"]):
        kick()
    return depth


def run_task(task_id: int, worker: str) -> int:
    """Run one claimed task and record its outcome; 1 when this worker finished it."""
    task = db.session.get(JobTask, task_id)
    job = db.session.get(Job, task.job_id)
    if job.status not in ACTIVE:
        _drop(task_id, worker)
        return 0
    if queue.too_many_attempts(task):
        _fail(job.id, task_id, f"{task.step} {task.key}: its worker stopped {task.attempts - 1}x")
        return 0
    handler = registry.handler(job.kind)
    step, key, payload, job_id = task.step, task.key, task.payload, job.id
    _mark_running(job, step)
    try:
        with queue.Heartbeat(task_id, job_id, worker):
            try:
                return _step(handler, step, job_id, task_id, worker, payload)
            except Exception:
                db.session.rollback()  # before the heartbeat stops: it may wait on our locks
                raise
    except Exception as exc:  # noqa: BLE001 - recorded on the job, shown to staff
        log.exception("job %s task %s %s failed", job_id, step, key)
        _fail(job_id, task_id, f"{step} {key}: {type(exc).__name__}: {exc}"[:2000])
        return 0


def _step(handler, step, job_id, task_id, worker, payload) -> int:
    if step == TaskStep.PREPARE:
        snapshot, parts = handler.prepare(db.session.get(Job, job_id))
        db.session.rollback()  # prepare only reads
        return _finish_prepare(job_id, task_id, worker, snapshot, parts)
    if step == TaskStep.SOLVE:
        return _finish_solve(job_id, task_id, worker, handler.solve(payload))
    return _finish_store(job_id, task_id, worker, handler)


def _mark_running(job: Job, step: TaskStep) -> None:
    """The job's start, for its page (later tasks leave the row alone: the heartbeat beats)."""
    if step != TaskStep.PREPARE:
        return
    now = utcnow()
    if job.status == JobStatus.QUEUED:
        job.status = JobStatus.RUNNING
        job.started_at = now
    job.stage = JobStage.PREPARING
    job.heartbeat_at = now
    db.session.commit()


def _lock_job(job_id: int) -> Job:
    """The job row, locked until commit: finishing tasks of one job take turns."""
    return db.session.scalars(
        select(Job)
        .where(Job.id == job_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _finish_prepare(job_id, task_id, worker, snapshot, parts) -> int:
    job = _lock_job(job_id)
    if not queue.still_mine(task_id, worker):
        db.session.rollback()
        return 0
    job.snapshot = snapshot
    job.parts_total = len(parts)
    job.stage = JobStage.SOLVING if parts else JobStage.STORING
    rows = [
        {"job_id": job_id, "step": TaskStep.SOLVE.value, "key": k, "payload": p} for k, p in parts
    ]
    if rows:
        db.session.execute(insert(JobTask), rows)
    else:
        db.session.add(JobTask(job_id=job_id, step=TaskStep.STORE, key=""))
    wakeup.announce()
    db.session.commit()
    return 1


def _finish_solve(job_id, task_id, worker, result: str) -> int:
    job = _lock_job(job_id)
    if not queue.still_mine(task_id, worker, result=result, payload=None):
        db.session.rollback()
        return 0
    job.parts_done += 1  # the job row is locked, and a task finishes once
    if job.parts_done == job.parts_total:
        job.stage = JobStage.STORING
        db.session.add(JobTask(job_id=job_id, step=TaskStep.STORE, key=""))
        wakeup.announce()
    db.session.commit()
    return 1


def _finish_store(job_id, task_id, worker, handler) -> int:
    job = _lock_job(job_id)
    if not queue.still_mine(task_id, worker) or job.run_id is not None:
        db.session.rollback()
        return 0
    results = dict(
        db.session.execute(
            select(JobTask.key, JobTask.result)
            .where(JobTask.job_id == job_id, JobTask.step == TaskStep.SOLVE.value)
            .order_by(JobTask.key)
        ).all()
    )
    run_id = handler.store(job, job.snapshot, results)
    now = utcnow()
    stored = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.run_id.is_(None))
        .values(
            run_id=run_id,
            status=JobStatus.COMPLETED.value,
            stage=JobStage.DONE.value,
            finished_at=now,
            heartbeat_at=now,
            snapshot=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if stored != 1:  # unreachable while the job row is locked; never two runs
        db.session.rollback()
        return 0
    db.session.execute(
        update(JobTask)
        .where(JobTask.job_id == job_id)
        .values(payload=None, result=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    handler.after_store(run_id)
    return 1


def _fail(job_id: int, task_id: int, error: str) -> None:
    now = utcnow()
    db.session.execute(
        update(JobTask)
        .where(JobTask.id == task_id)
        .values(status=TaskStatus.FAILED.value, finished_at=now)
    )
    db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status.in_([s.value for s in ACTIVE]))
        .values(status=JobStatus.FAILED.value, error=error, finished_at=now, snapshot=None)
    )
    # The job's other tasks are dropped: a failed job frees its kind's place for a new start.
    db.session.execute(
        update(JobTask)
        .where(JobTask.job_id == job_id, JobTask.status == TaskStatus.QUEUED.value)
        .values(status=TaskStatus.FAILED.value, finished_at=now)
    )
    db.session.commit()


def _drop(task_id: int, worker: str) -> None:
    db.session.execute(
        update(JobTask)
        .where(JobTask.id == task_id, JobTask.claimed_by == worker)
        .values(status=TaskStatus.FAILED.value, finished_at=utcnow())
    )
    db.session.commit()


def job_for_staff(actor, job_id: int) -> Job:
    """A job's progress, for staff only (anyone else: NotFound)."""
    require_staff(actor)
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound()
    return job
