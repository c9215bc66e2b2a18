"""Clearing and kliring jobs through the API (staff tokens): the same start as the staff
pages' buttons, answered 202 with the job's address, and the job's progress."""

from __future__ import annotations

from sqlalchemy import func, select

from exchange.extensions import db
from exchange.jobs.models import Job
from tests.api.helpers import bearer, build_world
from tests.jobs.helpers import small_market


def _start(client, token, kind, key="k1"):
    return client.post(
        "/api/v1/staff/jobs",
        json={"kind": kind},
        headers=bearer(token, **{"Idempotency-Key": key}),
    )


def test_staff_start_a_clearing_job_and_follow_it(app, client):
    with app.app_context():
        small_market()
        world = build_world()
    started = _start(client, world.staff_token, "clearing")
    assert started.status_code == 202, started.get_data(as_text=True)
    job = started.get_json()
    assert started.headers["Location"] == f"/api/v1/staff/jobs/{job['id']}"
    # JOB_QUEUE=inline (the tests): it ran before the answer.
    assert (job["kind"], job["status"], job["stage"]) == ("clearing", "completed", "done")
    assert job["parts_done"] == job["parts_total"] > 0 and job["run_id"] is not None
    shown = client.get(started.headers["Location"], headers=bearer(world.staff_token))
    assert shown.status_code == 200 and shown.get_json() == job
    # The same key again: the same answer, no second job.
    again = _start(client, world.staff_token, "clearing")
    assert (again.status_code, again.get_json()) == (202, job)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Job)) == 1


def test_a_second_start_while_one_waits_answers_the_first(app, client):
    app.config["JOB_QUEUE"] = "worker"  # nobody runs it here: it stays queued
    with app.app_context():
        world = build_world()
    first = _start(client, world.staff_token, "netting", key="a")
    assert first.status_code == 202
    assert (first.get_json()["status"], first.get_json()["stage"]) == ("queued", "queued")
    second = _start(client, world.staff_token, "netting", key="b")
    assert second.status_code == 202 and second.get_json()["id"] == first.get_json()["id"]
    other = _start(client, world.staff_token, "clearing", key="c")
    assert other.get_json()["id"] != first.get_json()["id"]


def test_managers_tokens_unknown_jobs_and_unknown_kinds_are_refused(app, client):
    with app.app_context():
        world = build_world()
    started = _start(client, world.staff_token, "netting")
    path = started.headers["Location"]
    # A manager's token cannot carry the staff scope: refused before the view.
    assert client.get(path, headers=bearer(world.seller_token)).status_code == 403
    assert _start(client, world.seller_token, "clearing", key="m").status_code == 403
    assert client.get(path, headers=bearer(world.staff_token)).status_code == 200
    missing = client.get("/api/v1/staff/jobs/999999", headers=bearer(world.staff_token))
    assert missing.status_code == 404
    assert missing.headers["Content-Type"].startswith("application/problem+json")
    bad = _start(client, world.staff_token, "freight", key="x")
    assert bad.status_code == 400 and "kind" in bad.get_data(as_text=True)
