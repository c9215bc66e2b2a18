"""The scheduler process: APScheduler's BlockingScheduler with the jobs in Asia/Jakarta time."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import wraps
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from exchange.digests.periods import LENGTH, period_key
from exchange.digests.services import run_finished
from exchange.extensions import db
from exchange.metrics.instruments import time_job
from exchange.scheduler import jobs

log = logging.getLogger(__name__)


def _in_app(app: Flask, name: str, fn, *args, lock=None):
    @wraps(fn)
    def run():
        if lock is not None and not getattr(lock, "held", True):
            log.warning("job %s skipped: the scheduler lock is not held (database away?)", name)
            return
        with app.app_context():
            try:
                with time_job(name):  # exchange_job_duration_seconds{job, outcome}
                    result = fn(*args)
                log.info("job %s done: %s", name, result)
            except Exception:
                db.session.rollback()
                log.exception("job %s failed; it runs again at its next time", name)
            finally:
                db.session.remove()

    return run


def job_table(app: Flask) -> list[tuple[str, object, object, tuple]]:
    """``(id, function, trigger, args)`` for every job, from the settings."""
    c = app.config
    tz = ZoneInfo(c["SCHEDULER_TIMEZONE"])
    hour = int(c["DIGEST_DAILY_HOUR"])
    return [
        ("clearing", jobs.run_clearing, CronTrigger.from_crontab(c["CLEARING_CRON"], tz), ()),
        (
            "digests-daily",
            jobs.send_digests,
            CronTrigger(hour=hour, minute=0, timezone=tz),
            ("daily",),
        ),
        (
            "digests-weekly",
            jobs.send_digests,
            CronTrigger(day_of_week=c["DIGEST_WEEKLY_DAY"], hour=hour, minute=0, timezone=tz),
            ("weekly",),
        ),
        ("expiry", jobs.expire, CronTrigger.from_crontab(c["EXPIRY_CRON"], tz), ()),
        ("reminders", jobs.send_reminders, CronTrigger.from_crontab(c["REMINDERS_CRON"], tz), ()),
        ("netting", jobs.run_netting, CronTrigger.from_crontab(c["NETTING_CRON"], tz), ()),
        ("freight", jobs.plan_freight, CronTrigger.from_crontab(c["FREIGHT_CRON"], tz), ()),
        (
            "outbox",
            jobs.deliver_mail,
            IntervalTrigger(seconds=int(c["OUTBOX_INTERVAL_SECONDS"]), timezone=tz),
            (),
        ),
        (
            "jobs",
            jobs.resume_jobs,
            IntervalTrigger(seconds=int(c["JOB_LEASE_SECONDS"]), timezone=tz),
            (),
        ),
        (
            "webhooks",
            jobs.deliver_webhooks,
            IntervalTrigger(seconds=int(c["OUTBOX_INTERVAL_SECONDS"]), timezone=tz),
            (),
        ),
    ]


DIGEST_JOBS = {"digests-daily": "daily", "digests-weekly": "weekly"}


def missed_digest_runs(app: Flask, now: datetime) -> list[tuple[str, datetime]]:
    """``(period, scheduled time)`` of each digest period's latest run within one period
    before ``now`` that did not finish (a reader due for it has no record, sent or empty): what
    a stopped scheduler missed, or a scheduler killed inside its queue phase left undone."""
    missed = []
    for job_id, _fn, trigger, _args in job_table(app):
        period = DIGEST_JOBS.get(job_id)
        if period is None:
            continue
        last, moment = None, now - LENGTH[period]
        while (moment := trigger.get_next_fire_time(None, moment)) and moment <= now:
            last = moment
            moment += timedelta(seconds=1)
        if last is None:
            continue
        if not run_finished(period, period_key(period, last)):
            missed.append((period, last))
    return missed


def catch_up(app: Flask, now: datetime | None = None) -> list[tuple[str, str]]:
    """Run the digest runs a stopped scheduler missed, as at their scheduled times.

    Harmless when a run did happen (every digest has a unique key per person and period).
    Returns ``(period, scheduled time)`` of the runs made.
    """
    now = now or datetime.now(ZoneInfo(app.config["SCHEDULER_TIMEZONE"]))
    done = []
    for period, moment in missed_digest_runs(app, now):
        counts = jobs.send_digests(period, now=moment)
        log.info("caught up the %s digests of %s: %s", period, moment.isoformat(), counts)
        done.append((period, moment.isoformat()))
    return done


def build_scheduler(app: Flask, lock=None) -> BlockingScheduler:
    tz = ZoneInfo(app.config["SCHEDULER_TIMEZONE"])
    scheduler = BlockingScheduler(
        timezone=tz,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    for job_id, fn, trigger, args in job_table(app):
        scheduler.add_job(
            _in_app(app, job_id, fn, *args, lock=lock), trigger, id=job_id, name=job_id
        )
    # A restart around digest time must not skip the period: catch up once, shortly after
    # start (a scheduler restarted in a loop, or stopped at once, never runs it).
    delay = timedelta(seconds=int(app.config["SCHEDULER_CATCH_UP_DELAY_SECONDS"]))
    scheduler.add_job(
        _in_app(app, "catch-up", catch_up, app, lock=lock),
        id="catch-up",
        name="catch-up",
        next_run_time=datetime.now(tz) + delay,
    )
    if lock is not None:
        every = max(int(app.config["SCHEDULER_LEASE_SECONDS"]) // 3, 1)

        def keep_lock():
            state = lock.renew()
            if state is False:
                log.error("scheduler lock taken by another scheduler: stopping")
                scheduler.shutdown(wait=False)
            elif state is None:
                # The database is away: jobs wait (they skip) and the lock is retaken when
                # it is back, instead of the process exiting on a blip.
                log.warning("database unreachable; the scheduler keeps trying")

        scheduler.add_job(keep_lock, IntervalTrigger(seconds=every, timezone=tz), id="lock")
    return scheduler
