"""A scheduler killed inside its digest queue phase loses nothing (issue 23).

The queue phase commits one batch of readers at a time (their outbox rows and digest records
together). Killed after the first batch, the restarted scheduler's catch-up must finish the run
for the readers the dead one never reached; it used to see the first batch's records and count
the whole run as done.
"""

from __future__ import annotations

import os
import signal
from datetime import timedelta

from sqlalchemy import func, select

from exchange.clock import WIB
from exchange.digests import services
from exchange.digests.models import DigestRecord
from exchange.extensions import db
from exchange.mail.models import OutboxMessage
from exchange.scheduler import jobs
from exchange.scheduler.runner import catch_up, missed_digest_runs
from tests.digests.test_kill import NOW, bulk_readers

READERS = 30
MOMENT = NOW.astimezone(WIB)  # Monday 4 January 2027, 06:00 WIB: the daily run's time


def _run_and_die_after_first_batch(app) -> int:
    """The scheduler's digest job in a child process that SIGKILLs itself right after the
    queue phase committed its first batch. Returns the child's wait status."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            with app.app_context():
                real, batches = services._queue, []

                def queue_then_die(outgoing, empties, win):
                    result = real(outgoing, empties, win)
                    batches.append(result)
                    os.kill(os.getpid(), signal.SIGKILL)
                    return result

                services._queue = queue_then_die
                jobs.send_digests("daily", now=MOMENT)
        finally:
            os._exit(3)  # only reached when the kill did not happen
    return os.waitpid(pid, 0)[1]


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_scheduler_killed_inside_its_queue_phase_loses_no_digest(app):
    with app.app_context():
        bulk_readers(READERS)
        app.config["DIGEST_BATCH_SIZE"] = 10
        db.session.remove()
        db.engine.dispose()  # the child opens its own connections

    status = _run_and_die_after_first_batch(app)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL

    with app.app_context():
        first = _count(DigestRecord, DigestRecord.period == "daily")
        assert first == 10  # one batch was committed, the rest never queued
        restart = MOMENT + timedelta(minutes=30)
        assert ("daily", MOMENT) in missed_digest_runs(app, restart)
        catch_up(app, restart)
        assert _count(DigestRecord, DigestRecord.period == "daily") == READERS
        keys = db.session.scalars(select(OutboxMessage.dedupe_key)).all()
        assert sorted(keys) == sorted(
            services.dedupe_key("daily", "2027-01-04", i) for i in _reader_ids()
        )
        # the run is complete now: a second restart queues nothing more
        assert ("daily", MOMENT) not in missed_digest_runs(app, restart + timedelta(minutes=5))


def _reader_ids() -> list[int]:
    from exchange.auth.models import User

    return list(db.session.scalars(select(User.id).where(User.email.like("pembaca%"))))


def test_a_complete_run_with_empty_digests_is_not_run_again(app):
    """Readers whose digest was empty count as done too, so a restart does not build them again."""
    from tests.factories import make_manager

    with app.app_context():
        make_manager()  # no listings, no deals: an empty digest
        jobs.send_digests("daily", now=MOMENT)
        assert _count(OutboxMessage) == 0
        assert _count(DigestRecord, DigestRecord.item_count == 0) == 1
        assert ("daily", MOMENT) not in missed_digest_runs(app, MOMENT + timedelta(minutes=30))
