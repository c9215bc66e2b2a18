"""The scheduler process: APScheduler's BlockingScheduler with the jobs in Asia/Jakarta time."""

from __future__ import annotations

import logging
from functools import wraps
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from exchange.extensions import db
from exchange.scheduler import jobs

log = logging.getLogger(__name__)


def _in_app(app: Flask, name: str, fn, *args):
    @wraps(fn)
    def run():
        with app.app_context():
            try:
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
        (
            "outbox",
            jobs.deliver_mail,
            IntervalTrigger(seconds=int(c["OUTBOX_INTERVAL_SECONDS"]), timezone=tz),
            (),
        ),
    ]


def build_scheduler(app: Flask, lock=None) -> BlockingScheduler:
    tz = ZoneInfo(app.config["SCHEDULER_TIMEZONE"])
    scheduler = BlockingScheduler(
        timezone=tz,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    for job_id, fn, trigger, args in job_table(app):
        scheduler.add_job(_in_app(app, job_id, fn, *args), trigger, id=job_id, name=job_id)
    if lock is not None:
        every = max(int(app.config["SCHEDULER_LEASE_SECONDS"]) // 3, 1)

        def keep_lock():
            if not lock.renew():
                log.error("scheduler lock lost: stopping so that jobs never run twice")
                scheduler.shutdown(wait=False)

        scheduler.add_job(keep_lock, IntervalTrigger(seconds=every, timezone=tz), id="lock")
    return scheduler
