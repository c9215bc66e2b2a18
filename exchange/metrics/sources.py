"""The gauges read from the database at scrape time: the outbox backlog, the job queue, the
latest clearing run. Each is one small query, run by whichever worker answers the scrape."""

from __future__ import annotations

from sqlalchemy import func, select

from exchange.extensions import db
from exchange.jobs.queue import queue_depth
from exchange.mail.models import OutboxMessage, OutboxStatus
from exchange.matching.models import MatchRun
from exchange.matching.policy import RunStatus
from exchange.metrics.instruments import Reading, register_gauge

#: The statuses still waiting on someone: pending (to send) and failed (for staff to look at).
BACKLOG = (OutboxStatus.PENDING, OutboxStatus.FAILED)


def outbox_backlog() -> Reading:
    """Messages pending or failed, by status and channel (zero rows still answer 0 for
    e-mail, so the series never disappears)."""
    rows = db.session.execute(
        select(OutboxMessage.status, OutboxMessage.channel, func.count())
        .where(OutboxMessage.status.in_(BACKLOG))
        .group_by(OutboxMessage.status, OutboxMessage.channel)
    ).all()
    counts = {(str(status), str(channel)): n for status, channel, n in rows}
    for status in BACKLOG:
        counts.setdefault((str(status), "email"), 0)
    return sorted(counts.items())


#: MatchRun columns exported, as (gauge suffix, column, documentation).
CLEARING_FIGURES = (
    ("listings", MatchRun.listings_count, "Active listings the latest clearing run considered."),
    ("candidate_pairs", MatchRun.candidate_pairs, "Offer-request pairs it scored."),
    ("proposals", MatchRun.proposals_count, "Proposals it made."),
    ("welfare_rupiah", MatchRun.welfare, "Its welfare: sum of quantity x surplus, rupiah."),
    ("duration_seconds", MatchRun.duration_ms, "How long it took, seconds."),
)


def _latest_run() -> MatchRun | None:
    """The latest completed clearing run (a failed one proposed nothing)."""
    return db.session.scalars(
        select(MatchRun)
        .where(MatchRun.status == RunStatus.COMPLETED)
        .order_by(MatchRun.id.desc())
        .limit(1)
    ).first()


def clearing_figure(column) -> Reading:
    run = _latest_run()
    if run is None:
        return []
    value = getattr(run, column.key)
    if column.key == "duration_ms":
        value = value / 1000
    return [((), value)]


def clearing_finished() -> Reading:
    run = _latest_run()
    if run is None or run.finished_at is None:
        return []
    return [((), run.finished_at.timestamp())]


def job_queue() -> Reading:
    """The clearing and kliring jobs' queue (exchange/jobs): tasks queued, running, stale (held
    by a worker whose lease ran out), and jobs queued or running."""
    return sorted(((state,), n) for state, n in queue_depth().items())


def register() -> None:
    register_gauge(
        "exchange_job_queue",
        "Job queue depth: tasks queued, running and stale (lease ran out); jobs active.",
        job_queue,
        labels=("state",),
    )
    register_gauge(
        "exchange_outbox_backlog",
        "Outbox messages not delivered: pending (waiting to send) or failed, by channel.",
        outbox_backlog,
        labels=("status", "channel"),
    )
    for suffix, column, documentation in CLEARING_FIGURES:
        register_gauge(
            f"exchange_clearing_last_{suffix}",
            documentation,
            lambda column=column: clearing_figure(column),
        )
    register_gauge(
        "exchange_clearing_last_finished_timestamp_seconds",
        "When the latest clearing run finished (Unix time): alert when it is a day old.",
        clearing_finished,
    )
