"""A second PostgreSQL cluster of the test's own, three gunicorn workers in front of it, six
clients asking a mix of pages, the API and the health check: the cluster is frozen (SIGSTOP)
and later stopped under that load (issue 23).

While it is away every answer is the app's own 503 (the page, problem+json, the health JSON),
from the timeout or down path, never a worker timeout and never a traceback; one log line opens
and one closes each incident; the site answers again once the cluster is back. The timings
are ``make bench-faults``'s to print.

Runs once, in the SQLite pass of ``make test`` (the cluster is its own, whatever the suite's
database); about 35 s.
"""

from __future__ import annotations

import os

import pytest

from tests.site import faults

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(os.environ.get("EXCHANGE_TEST_DATABASE_URL")),
        reason="runs in the SQLite pass only: it makes a PostgreSQL cluster of its own",
    ),
    pytest.mark.skipif(faults.postgres_bin() is None, reason="no PostgreSQL server binaries"),
]
WAIT = 3.0  # config.Config.DB_WAIT_TIMEOUT_SECONDS
CONNECT = 2  # config.Config.DB_CONNECT_TIMEOUT
SLACK = 3.0  # a request queued behind the worker's first timed-out one


def test_a_frozen_then_stopped_database_gives_503s_and_no_worker_timeout():
    report = faults.run_scenario(healthy=2.0, frozen=7.0, stopped=5.0, recover=4.0)
    phases, counts = report["phases"], report["counts"]
    answers = report["answers"]

    assert counts["worker timeouts"] == 0, report["log"][-3000:]
    assert counts["tracebacks"] == 0, report["log"][-3000:]
    assert all(a.served or a.status == 503 for a in answers), {(a.path, a.status) for a in answers}
    # every request answered well inside gunicorn's 30 s: at worst one wait deadline, one
    # connect attempt, and the queue behind them
    assert max(a.took for a in answers) < WAIT + CONNECT + 2 * SLACK

    assert all(a.served for a in phases["healthy"].answers)
    # frozen: once each worker's first request waited out its deadline; stopped: at once
    for name, settle in (("frozen", WAIT + CONNECT), ("stopped", 0.0)):
        phase = phases[name]
        settled = [a for a in phase.answers if a.started > phase.start + settle]
        assert settled, name
        assert {a.status for a in settled} == {503}, name  # nothing gets through
        away = phase.unavailable()
        assert all(a.ours for a in away), name  # the app's own answers, never gunicorn's
    frozen = phases["frozen"]
    ended_frozen = [a for a in answers if frozen.start <= a.started + a.took <= frozen.end]
    frozen_reasons = {a.reason for a in ended_frozen if a.status == 503}
    assert "timeout" in frozen_reasons  # the timeout path answered the first ones
    assert frozen_reasons <= {"timeout", "known", "busy", None}  # None: the health JSON
    stopped_reasons = {a.reason for a in phases["stopped"].unavailable()}
    assert stopped_reasons & {"down", "known"}

    # back: the last second of each recovery is all 200
    for name in ("thawed", "started"):
        phase = phases[name]
        tail = [a for a in phase.answers if a.started > phase.end - 1.0]
        assert tail and all(a.served for a in tail), name

    assert counts["incidents opened"] == 2, report["log"][-3000:]
    assert counts["incidents closed"] == 2, report["log"][-3000:]
