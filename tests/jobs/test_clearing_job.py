"""The clearing as a job: per-commodity tasks give the run the one-process clearing gives, a
start returns at once, a second start finds the first, a dead worker's task is taken over."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from exchange.db import utcnow
from exchange.extensions import db
from exchange.jobs import queue, services
from exchange.jobs.models import Job, JobTask
from exchange.jobs.policy import JobKind, JobStage, JobStatus, TaskStatus, TaskStep
from exchange.matching import services as matching
from exchange.matching.models import MatchRun, Proposal, ProposalStatus
from tests.factories import make_staff
from tests.jobs.helpers import proposal_rows, small_market


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_job_stores_what_the_one_process_clearing_stores(app):
    with app.app_context():
        small_market()
        direct = matching.run_clearing()
        expected = proposal_rows(direct.id)
        job = services.start_job(make_staff(), JobKind.CLEARING)
        assert job.status == JobStatus.COMPLETED and job.stage == JobStage.DONE
        assert (job.parts_done, job.parts_total) == (5, 5)  # 4 commodities, the market
        run = db.session.get(MatchRun, job.run_id)
        assert proposal_rows(run.id) == expected and len(expected) > 4
        assert (run.candidate_pairs, run.welfare, run.listings_count) == (
            direct.candidate_pairs,
            direct.welfare,
            direct.listings_count,
        )
        # the earlier run's proposals were superseded, the declined pair is not proposed again
        assert _count(Proposal, Proposal.status == ProposalStatus.PROPOSED) == len(expected)
        assert job.snapshot is None and _count(JobTask, JobTask.payload.is_not(None)) == 0


def test_the_staff_start_returns_at_once_and_the_page_shows_the_run(app, client, auth):
    app.config["JOB_QUEUE"] = "thread"
    with app.app_context():
        small_market()
        staff = make_staff()
        auth.login(staff)
    resp = client.post("/staf/pencocokan/jalankan")
    assert resp.status_code == 302 and "/staf/pekerjaan/" in resp.headers["Location"]
    assert services.wait_in_process(60)
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Selesai" in page and "5 dari 5" in page and "Lihat putaran #2" in page
    assert 'http-equiv="refresh"' not in page
    with app.app_context():
        (job,) = db.session.scalars(select(Job)).all()
        assert job.status == JobStatus.COMPLETED and job.run_id == 2
        assert _count(MatchRun) == 2


def test_a_second_start_while_one_is_queued_returns_the_first(app, client, auth):
    app.config["JOB_QUEUE"] = "worker"  # nobody runs it here
    with app.app_context():
        small_market()
        staff = make_staff()
        first = services.start_job(staff, JobKind.CLEARING)
        again = services.start_job(None, JobKind.CLEARING)
        assert again.id == first.id and _count(Job) == 1
        assert queue.queue_depth() == {"queued": 1, "running": 0, "stale": 0, "jobs_active": 1}
        job_id = first.id
        auth.login(staff)
    page = client.get(f"/staf/pekerjaan/{job_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and "Menunggu" in page
    runs = client.get("/staf/pencocokan").get_data(as_text=True)
    assert f'href="/staf/pekerjaan/{job_id}"' in runs


def test_someone_not_staff_cannot_start_or_see_a_job(app, client, auth):
    from tests.factories import make_manager

    with app.app_context():
        manager = make_manager()
        with pytest.raises(Exception) as refused:
            services.start_job(manager, JobKind.CLEARING)
        assert type(refused.value).__name__ == "NotFound"
        job_id = services.start_job(None, JobKind.NETTING).id
        auth.login(manager)
    assert client.get(f"/staf/pekerjaan/{job_id}").status_code == 404


def test_a_task_whose_worker_died_is_taken_over_and_the_run_is_stored_once(app):
    app.config["JOB_QUEUE"] = "worker"
    with app.app_context():
        small_market()
        job = services.start_job(None, JobKind.CLEARING)
        # a worker takes the prepare task, then dies (it never finishes nor renews its lease)
        dead = "dead-host:1:abc"
        taken = queue.claim(dead)
        assert db.session.get(JobTask, taken).step == TaskStep.PREPARE
        assert queue.queue_depth()["stale"] == 0
        db.session.execute(
            update(JobTask).where(JobTask.id == taken).values(lease_until=utcnow() - timedelta(1))
        )
        db.session.commit()
        assert queue.queue_depth()["stale"] == 1
        # the next worker (or the scheduler's tick, without workers) takes it over
        assert queue.work(services.run_task, burst=True, own_session=False) == 1 + 5 + 1
        # the dead worker coming back to finish is refused: nothing is written twice
        assert services._finish_prepare(job.id, taken, dead, None, [("beras", "{}")]) == 0
        db.session.refresh(job)
        assert job.status == JobStatus.COMPLETED
        assert _count(MatchRun) == 2 and _count(JobTask, JobTask.job_id == job.id) == 7
        assert db.session.get(JobTask, taken).attempts == 2
        assert _count(Proposal, Proposal.run_id == job.run_id) == len(proposal_rows(job.run_id))


def test_a_task_that_keeps_killing_its_workers_fails_the_job_and_frees_the_place(app):
    app.config["JOB_QUEUE"] = "worker"
    with app.app_context():
        job = services.start_job(None, JobKind.CLEARING)
        for n in range(4):
            assert queue.claim(f"dead:{n}") is not None
            db.session.execute(update(JobTask).values(lease_until=utcnow() - timedelta(1)))
            db.session.commit()
        queue.work(services.run_task, burst=True, own_session=False)
        db.session.refresh(job)
        assert job.status == JobStatus.FAILED and "prepare" in job.error
        assert _count(JobTask, JobTask.status == TaskStatus.RUNNING) == 0
        assert services.start_job(None, JobKind.CLEARING).id != job.id


def test_a_netting_job_stores_one_kliring_run(app):
    from exchange.netting.models import NettingRun

    with app.app_context():
        job = services.start_job(make_staff(), JobKind.NETTING)
        assert job.status == JobStatus.COMPLETED
        assert db.session.scalars(select(NettingRun.id)).all() == [job.run_id]


def test_the_scheduler_tick_runs_what_a_stopped_process_left(app):
    app.config["JOB_QUEUE"] = "worker"
    with app.app_context():
        small_market()
        job_id = services.start_job(None, JobKind.CLEARING).id  # its process stopped here
        app.config["JOB_QUEUE"] = "thread"  # restarted without worker processes
        from exchange.scheduler import jobs

        assert jobs.resume_jobs()["queued"] == 1
        assert services.wait_in_process(60)
        db.session.remove()
        assert db.session.get(Job, job_id).status == JobStatus.COMPLETED
        assert _count(MatchRun) == 2
