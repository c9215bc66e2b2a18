"""/metrics through the test client: what it shows after real requests and job runs, and who
may read it (staff or the scrape token; anyone else gets 404)."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from exchange.extensions import db
from exchange.jobs.policy import JobKind
from exchange.jobs.services import start_job
from exchange.listings.models import Side
from exchange.mail.outbox import queue_email
from exchange.matching.models import MatchRun
from exchange.scheduler import jobs
from exchange.scheduler.lock import make_lock
from exchange.scheduler.runner import _in_app
from tests.factories import make_listing, make_manager, make_pesantren, make_staff

TOKEN = "scrape-me-please-0123456789"  # noqa: S105 - a test token


def samples(client, headers=None) -> dict[tuple[str, frozenset], float]:
    response = client.get("/metrics", headers=headers or {"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for s in family.samples:
            found[(s.name, frozenset(s.labels.items()))] = s.value
    return found


def value(found, name, **labels) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def scraping(app):
    app.config["METRICS_TOKEN"] = TOKEN
    return app


def test_request_latency_counts_by_endpoint_and_status_class(scraping, client):
    name = "exchange_http_request_duration_seconds_count"
    before = samples(client)
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert client.get("/pasar").status_code == 200
    assert client.get("/pasar/999999").status_code == 404
    assert client.get("/no/such/page").status_code == 404
    after = samples(client)

    def delta(**labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta(endpoint="site.index", method="GET", status="2xx") == 3
    assert delta(endpoint="listings.market", method="GET", status="2xx") == 1
    assert delta(endpoint="listings.detail", method="GET", status="4xx") == 1
    # A path that matches no route is one label, not one per path.
    assert delta(endpoint="unmatched", method="GET", status="4xx") == 1
    labels = {dict(k[1]).get("endpoint") for k in after if k[0] == name}
    assert "/no/such/page" not in labels


def test_a_job_run_shows_its_duration(scraping, client):
    name = "exchange_job_duration_seconds_count"
    before = samples(client)
    _in_app(scraping, "expiry", jobs.expire)()

    def broken():
        raise RuntimeError("boom")

    _in_app(scraping, "broken-job", broken)()  # logged and swallowed, as in the scheduler
    after = samples(client)
    assert (
        value(after, name, job="expiry", outcome="success")
        - value(before, name, job="expiry", outcome="success")
        == 1
    )
    assert value(after, "exchange_job_duration_seconds_sum", job="expiry", outcome="success") > 0
    assert (
        value(after, name, job="broken-job", outcome="failure")
        - value(before, name, job="broken-job", outcome="failure")
        == 1
    )


def test_outbox_backlog_equals_the_rows(scraping, client):
    found = samples(client)
    assert value(found, "exchange_outbox_backlog", status="pending", channel="email") == 0
    with scraping.app_context():
        for n in range(3):
            queue_email(f"a{n}@example.org", "Halo", "isi")
        db.session.commit()
    found = samples(client)
    assert value(found, "exchange_outbox_backlog", status="pending", channel="email") == 3
    assert value(found, "exchange_outbox_backlog", status="failed", channel="email") == 0


def test_clearing_figures_come_from_the_latest_run(scraping, client):
    assert "exchange_clearing_last_proposals" not in {k[0] for k in samples(client)}
    with scraping.app_context():
        seller = make_pesantren(regency_code="3529")
        buyer = make_pesantren(regency_code="3578")
        make_listing(seller, Side.OFFER, quantity=100, price=1500)
        make_listing(buyer, Side.REQUEST, quantity=100, price=2500)
    _in_app(scraping, "clearing", jobs.run_clearing)()
    with scraping.app_context():
        run = db.session.scalars(select(MatchRun)).one()
        expected = (run.listings_count, run.proposals_count, run.welfare, run.candidate_pairs)
    found = samples(client)
    assert expected[0] == 2 and expected[1] == 1 and expected[2] > 0
    assert value(found, "exchange_clearing_last_listings") == expected[0]
    assert value(found, "exchange_clearing_last_proposals") == expected[1]
    assert value(found, "exchange_clearing_last_welfare_rupiah") == expected[2]
    assert value(found, "exchange_clearing_last_candidate_pairs") == expected[3]
    assert value(found, "exchange_job_duration_seconds_count", job="clearing", outcome="success")
    assert value(found, "exchange_clearing_last_finished_timestamp_seconds") > 0
    assert value(found, "exchange_scheduler_lock_held") == 0


def test_hidden_from_visitors_and_managers(scraping, client, auth):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 404
    with scraping.app_context():
        email = make_manager().email
    auth.login(email)
    assert client.get("/metrics").status_code == 404


def test_no_token_set_means_no_token_works(app, client):
    app.config["METRICS_TOKEN"] = ""
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_staff_may_read_it(app, client, auth):
    with app.app_context():
        email = make_staff().email
    auth.login(email)
    response = client.get("/metrics")
    assert response.status_code == 200
    assert b"exchange_http_request_duration_seconds_bucket" in response.data
    assert response.headers["Cache-Control"] == "no-store"


def test_scheduler_lock_gauge_follows_the_lock(scraping, client):
    with scraping.app_context():
        lock = make_lock(scraping, db.engine)
        assert lock.try_acquire()
    try:
        assert value(samples(client), "exchange_scheduler_lock_held") == 1
    finally:
        with scraping.app_context():
            lock.release()
    assert value(samples(client), "exchange_scheduler_lock_held") == 0


def test_the_job_queue_depth_counts_the_waiting_tasks(scraping, client):
    assert value(samples(client), "exchange_job_queue", state="queued") == 0
    scraping.config["JOB_QUEUE"] = "worker"  # queued for worker processes; none runs here
    with scraping.app_context():
        start_job(make_staff(), JobKind.CLEARING)
        db.session.commit()
    found = samples(client)
    assert value(found, "exchange_job_queue", state="queued") >= 1
    assert value(found, "exchange_job_queue", state="jobs_active") == 1
    assert value(found, "exchange_job_queue", state="stale") == 0
