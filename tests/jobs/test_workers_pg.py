"""Many machines: the clearing's tasks taken by worker processes on PostgreSQL. Two workers
store the bytes one worker stores; a worker killed inside the store step leaves a run that the
next worker stores, once."""

from __future__ import annotations

import os
import signal
import time

import pytest
from sqlalchemy import func, select, text

from exchange.extensions import db
from exchange.jobs import queue, services
from exchange.jobs.models import Job, JobTask
from exchange.jobs.policy import JobKind, JobStatus, TaskStatus, TaskStep
from exchange.matching.models import MatchRun, Proposal
from tests.jobs.helpers import proposal_rows, small_market

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("EXCHANGE_TEST_DATABASE_URL"), reason="worker processes need PostgreSQL"
    ),
]


def _worker(app) -> int:
    """A worker process (``exchange worker --burst``: until no job is queued or running)."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 3
        try:
            with app.app_context():
                db.engine.dispose(close=False)  # the parent's connections stay the parent's
                queue.work(services.run_task, burst=True)
                code = 0
        finally:
            os._exit(code)
    return pid


def _exit_code(pid: int) -> int:
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_two_worker_processes_store_the_bytes_one_worker_stores(app):
    app.config["JOB_QUEUE"] = "worker"
    with app.app_context():
        small_market()
        one = services.start_job(None, JobKind.CLEARING).id
        db.session.remove()
    assert _exit_code(_worker(app)) == 0
    with app.app_context():
        alone = proposal_rows(db.session.get(Job, one).run_id)
        two = services.start_job(None, JobKind.CLEARING).id
        db.session.remove()
    pids = [_worker(app), _worker(app)]
    assert [_exit_code(p) for p in pids] == [0, 0]
    with app.app_context():
        job = db.session.get(Job, two)
        assert job.status == JobStatus.COMPLETED and (job.parts_done, job.parts_total) == (
            5,
            5,
        )  # 4 commodities, the market
        assert proposal_rows(job.run_id) == alone and len(alone) > 4
        assert _count(MatchRun) == 3  # the market's own first run, then one per job
        workers = db.session.scalars(select(JobTask.claimed_by).where(JobTask.job_id == two))
        print("tasks per worker:", sorted(w.split(":")[1] for w in workers))


def test_a_worker_killed_inside_the_store_step_leaves_one_run_stored_by_the_next(app):
    app.config.update(JOB_QUEUE="worker", JOB_LEASE_SECONDS=1)
    with app.app_context():
        small_market()
        job_id = services.start_job(None, JobKind.CLEARING).id
        db.session.remove()
        # Hold the run table: the first worker's store step waits inside its transaction.
        holder = db.engine.connect()
        holder.execute(text("LOCK TABLE match_runs IN ACCESS EXCLUSIVE MODE"))
        first = _worker(app)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            db.session.remove()
            store = db.session.scalar(
                select(JobTask).where(JobTask.job_id == job_id, JobTask.step == TaskStep.STORE)
            )
            if store is not None and store.status == TaskStatus.RUNNING:
                break
            time.sleep(0.05)
        assert store is not None and store.status == TaskStatus.RUNNING
        time.sleep(0.3)  # well inside the store step: it waits for the table
        os.kill(first, signal.SIGKILL)
        assert os.waitpid(first, 0)[1] != 0
        holder.rollback()
        holder.close()
        db.session.remove()
        assert _exit_code(_worker(app)) == 0
        job = db.session.get(Job, job_id)
        assert job.status == JobStatus.COMPLETED
        assert _count(MatchRun) == 2  # the market's own first run, and this job's: once
        store = db.session.scalar(
            select(JobTask).where(JobTask.job_id == job_id, JobTask.step == TaskStep.STORE)
        )
        assert store.attempts == 2 and store.status == TaskStatus.DONE
        rows = proposal_rows(job.run_id)
        assert _count(Proposal, Proposal.run_id == job.run_id) == len(rows) > 4
        assert len(set(rows)) == len(rows)


def test_an_idle_worker_wakes_on_a_started_job_without_polling(app):
    """The worker waits before any job exists; it would look again only after 600 s, so the
    job completes only because the start's NOTIFY woke it (and the prepare step's woke it
    for the commodity tasks)."""
    app.config.update(JOB_QUEUE="worker", JOB_POLL_SECONDS=600, JOB_LEASE_SECONDS=600)
    with app.app_context():
        small_market()
        db.session.remove()
    pid = os.fork()
    if pid == 0:  # a long-running worker (``exchange worker``, no --burst)
        try:
            with app.app_context():
                db.engine.dispose(close=False)
                queue.work(services.run_task)
        finally:
            os._exit(3)
    try:
        with app.app_context():
            time.sleep(1.0)  # let it find nothing and begin to wait (not needed for success)
            job_id = services.start_job(None, JobKind.CLEARING).id
            db.session.remove()
            deadline = time.monotonic() + 120  # generous: a busy machine; polling needs 600 s
            while time.monotonic() < deadline:
                job = db.session.get(Job, job_id)
                if job.status not in (JobStatus.QUEUED, JobStatus.RUNNING):
                    break
                db.session.remove()
                time.sleep(0.2)
            job = db.session.get(Job, job_id)
            assert job.status == JobStatus.COMPLETED, job.error
            assert job.parts_done == job.parts_total == 5
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
