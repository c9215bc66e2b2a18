"""The job queue on PostgreSQL: its overhead per task, how soon an idle worker picks up a new
job, and a clearing over 20,000 listings made by one worker process and by two.

    python benchmarks/bench_jobs.py [--url URL] [--tasks 500] [--pickups 10]
                                    [--listings 20000] [--workers 1 2]

URL defaults to a database of its own (bench_jobs on the local server), which is emptied and
refilled. The overhead: TASKS empty tasks enqueued one commit each (as a web request defers
one) and in one statement (as the prepare step does), then run by one worker in this process.
The pickup: one idle worker process (``exchange worker``, the default poll of 1 s) and
PICKUPS empty jobs started at random moments, from the start's commit to the job's start by the
worker; first without the NOTIFY (the worker wakes at its next poll: before), then with it.
The clearing: the wall time from the start of the job to its stored run, with each count of
worker processes (forked, as ``exchange worker --burst``), and the proposals compared.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import time

from matching_data import bench_app, fill
from sqlalchemy import func, insert, select

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_jobs"


class Noop:
    run_endpoint = "matching.run"
    runs_endpoint = "matching.runs"

    def prepare(self, job):
        return None, []

    def solve(self, payload):
        return ""

    def store(self, job, snapshot, results):
        return 0

    def after_store(self, run_id):
        return None


def overhead(app, n: int) -> None:
    from exchange.db import utcnow
    from exchange.extensions import db
    from exchange.jobs import queue, registry, services
    from exchange.jobs.models import Job, JobTask
    from exchange.jobs.policy import JobKind, JobStage, JobStatus, TaskStep

    registry.register(JobKind.NETTING, Noop())
    with app.app_context():
        for label, one_by_one in (("one commit each", True), ("one statement", False)):
            job = Job(kind=JobKind.NETTING, as_of=utcnow(), parts_total=n)
            job.status, job.stage = JobStatus.RUNNING, JobStage.SOLVING
            db.session.add(job)
            db.session.commit()
            rows = [
                {"job_id": job.id, "step": TaskStep.SOLVE.value, "key": f"{k:06d}"}
                for k in range(n)
            ]
            t0 = time.perf_counter()
            if one_by_one:
                for r in rows:
                    db.session.execute(insert(JobTask), [r])
                    db.session.commit()
            else:
                db.session.execute(insert(JobTask), rows)
                db.session.commit()
            t1 = time.perf_counter()
            done = queue.work(services.run_task, burst=True, own_session=False)
            t2 = time.perf_counter()
            print(
                f"queue, {n} empty tasks enqueued {label}: enqueue {1000 * (t1 - t0) / n:.2f} "
                f"ms/task, run {1000 * (t2 - t1) / n:.2f} ms/task ({done} run by 1 worker)"
            )


def pickup(app, trials: int, poll: float = 1.0) -> None:
    from exchange.db import utcnow
    from exchange.extensions import db
    from exchange.jobs import queue, registry, services, wakeup
    from exchange.jobs.models import Job
    from exchange.jobs.policy import ACTIVE, JobKind

    registry.register(JobKind.NETTING, Noop())
    app.config["JOB_POLL_SECONDS"] = poll
    pid = os.fork()
    if pid == 0:  # one long-running idle worker
        try:
            with app.app_context():
                db.engine.dispose(close=False)
                queue.work(services.run_task)
        finally:
            os._exit(3)
    announce = wakeup.announce
    rng = random.Random(7)
    try:
        for label, notify in (("poll only (before)", False), ("LISTEN/NOTIFY (after)", True)):
            wakeup.announce = announce if notify else (lambda: None)
            waits = []
            with app.app_context():
                for _ in range(trials):
                    time.sleep(rng.uniform(0.2, 1.2))  # a random moment of the poll cycle
                    asked = utcnow()
                    job_id = services.start_job(None, JobKind.NETTING).id
                    db.session.remove()
                    while True:
                        job = db.session.get(Job, job_id)
                        if job.status not in ACTIVE:
                            break
                        db.session.remove()
                        time.sleep(0.005)
                    waits.append((job.started_at - asked).total_seconds() * 1000)
                    db.session.remove()
            print(
                f"pickup by an idle worker (poll {poll:g} s), {label}: median "
                f"{statistics.median(waits):.0f} ms, max {max(waits):.0f} ms over {trials} jobs"
            )
    finally:
        wakeup.announce = announce
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        app.config["JOB_POLL_SECONDS"] = 0.05


def _worker(app) -> int:
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            from exchange.extensions import db
            from exchange.jobs import queue, services

            with app.app_context():
                db.engine.dispose(close=False)
                queue.work(services.run_task, burst=True)
                code = 0
        finally:
            os._exit(code)
    return pid


def clearing(app, workers: int) -> list:
    from exchange.extensions import db
    from exchange.jobs import services
    from exchange.jobs.models import Job, JobTask
    from exchange.jobs.policy import JobKind
    from exchange.matching.models import MatchRun, Proposal

    with app.app_context():
        t0 = time.perf_counter()
        job_id = services.start_job(None, JobKind.CLEARING).id
        db.session.remove()
    pids = [_worker(app) for _ in range(workers)]
    codes = [os.waitstatus_to_exitcode(os.waitpid(p, 0)[1]) for p in pids]
    wall = time.perf_counter() - t0
    with app.app_context():
        job = db.session.get(Job, job_id)
        run = db.session.get(MatchRun, job.run_id)
        rows = db.session.execute(
            select(Proposal.offer_id, Proposal.request_id, Proposal.quantity, Proposal.price)
            .where(Proposal.run_id == run.id)
            .order_by(Proposal.offer_id, Proposal.request_id)
        ).all()
        ends = dict(
            db.session.execute(
                select(JobTask.step, func.max(JobTask.finished_at))
                .where(JobTask.job_id == job_id)
                .group_by(JobTask.step)
            ).all()
        )
        start = job.started_at
        prep = (ends["prepare"] - start).total_seconds()
        solve = (ends["solve"] - ends["prepare"]).total_seconds()
        store = (job.finished_at - ends["solve"]).total_seconds()
        print(
            f"clearing job, {workers} worker process(es) {codes}: {wall:.1f} s wall "
            f"(prepare {prep:.1f} s, solve {solve:.1f} s, store {store:.1f} s) | "
            f"{job.parts_total} commodity tasks, listings={run.listings_count} "
            f"pairs={run.candidate_pairs} proposals={run.proposals_count} "
            f"welfare=Rp {run.welfare:,}"
        )
    return [tuple(r) for r in rows]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default=DEFAULT_URL)
    ap.add_argument("--tasks", type=int, default=500)
    ap.add_argument("--pickups", type=int, default=10)
    ap.add_argument("--listings", type=int, default=20_000)
    ap.add_argument("--pesantren", type=int, default=5_000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    app = bench_app(args.url)
    app.config.update(JOB_QUEUE="worker", JOB_POLL_SECONDS=0.05)
    t = time.perf_counter()
    fill(app, args.listings, args.pesantren)
    print(
        f"filled {args.listings} listings, {args.pesantren} pesantren "
        f"in {time.perf_counter() - t:.1f} s"
    )
    if args.pickups:
        pickup(app, args.pickups)
    if args.tasks:
        overhead(app, args.tasks)
    if args.pickups or args.tasks:
        from exchange.app import _register_policies

        _register_policies()  # the real handlers back
    first = None
    for w in args.workers:
        rows = clearing(app, w)
        if first is None:
            first = rows
        else:
            print(f"  same proposals as with {args.workers[0]} worker(s): {rows == first}")


if __name__ == "__main__":
    main()
