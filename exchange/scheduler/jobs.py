"""The periodic jobs. Each one can be run by hand (``flask --app wsgi exchange ...``).

- clearing: a clearing job, ``exchange.jobs.services.start_job`` (nightly; the staff's "run
  now" starts the same job), whose tasks workers or this process run (``JOB_QUEUE``);
- jobs: ``exchange.jobs.services.resume`` (every lease: without worker processes, the tasks a
  dead process left);
- digests: ``exchange.digests.services.run_digests``, then outbox delivery;
- expiry: ``exchange.listings.services.expire_listings`` (listings past their window),
  ``exchange.listings.standing.post_standing`` (kebutuhan rutin: the period's requests),
  ``exchange.deals.services.expire_stale_moves`` (negotiations left unanswered) and
  ``exchange.auth.throttle.prune`` (attempt counters whose window ended);
- reminders: ``exchange.deals.reminders.send_reminders`` (one e-mail per manager per day when
  deals wait on their pesantren; WhatsApp messages of payments due to those who chose it);
- netting: a kliring job (weekly; the parties then confirm);
- freight: ``exchange.freight.services.plan_trips`` (daily after the nightly clearing: shared
  trips for signed deals not yet shipped; trips whose day came unanswered lapse first);
- outbox: ``exchange.mail.outbox.deliver_pending`` (every minute).

Every job takes ``now`` so that it can be run "as if" at another time.
"""

from __future__ import annotations

from datetime import datetime

from exchange.auth.throttle import prune
from exchange.clock import today_wib
from exchange.db import utcnow
from exchange.deals.reminders import send_reminders as reminders
from exchange.deals.services import expire_stale_moves, lapse_salam_receipts
from exchange.digests.services import run_digests
from exchange.events.delivery import deliver_due
from exchange.freight.policy import RunTrigger
from exchange.freight.services import lapse_trips, plan_trips
from exchange.jobs import services as job_services
from exchange.jobs.policy import JobKind
from exchange.listings.services import expire_listings
from exchange.listings.standing import post_standing
from exchange.mail.outbox import deliver_pending
from exchange.netting.services import expire_answers
from exchange.pools.services import close_unmatched


def run_clearing(now: datetime | None = None):
    """Start the matching engine's clearing job (nightly by default); returns the Job (its
    run is made by the workers, or by this process: ``JOB_QUEUE``)."""
    return job_services.start_job(None, JobKind.CLEARING, now=now or utcnow())


def resume_jobs(now: datetime | None = None) -> dict:
    """Without worker processes, run the job tasks a dead process left (every lease)."""
    return job_services.resume()


def send_digests(period: str, now: datetime | None = None) -> dict:
    """Queue the period's digests, then try to deliver what is due."""
    counts = run_digests(period, now=now)
    counts["delivery"] = deliver_pending()
    return counts


def expire(now: datetime | None = None) -> dict:
    """Mark listings whose window has passed as expired; expire unanswered negotiation moves
    and kliring answers past their deadline."""
    now = now or utcnow()
    today = today_wib(now)
    return {
        "listings": expire_listings(today),
        "standing_requests": post_standing(today),  # kebutuhan rutin: this period's requests
        "moves": expire_stale_moves(now),
        "throttles": prune(now),  # attempt counters of windows that have ended
        "netting_answers": expire_answers(now),  # kliring: silence past the deadline declines
        "salam_receipts": lapse_salam_receipts(now),  # unconfirmed by 24:00 WIB: lapsed
        "pools": close_unmatched(today),  # patungan without a seller by its window's start
    }


def send_reminders(now: datetime | None = None) -> int:
    """Remind managers of deals waiting on them (daily). Returns how many e-mails were queued
    (WhatsApp messages of payments due are queued too, so delivery runs either way)."""
    queued = reminders(now or utcnow())
    deliver_pending()
    return queued


def run_netting(now: datetime | None = None):
    """Start the weekly netting (kliring) job: propose the set-off of tempo/murabahah debts.
    Returns the Job."""
    return job_services.start_job(None, JobKind.NETTING, now=now or utcnow())


def plan_freight(now: datetime | None = None) -> dict:
    """Lapse the proposed trips whose day has come, then propose shared trips (daily)."""
    now = now or utcnow()
    lapsed = lapse_trips(now)
    run = plan_trips(RunTrigger.DAILY, now=now)
    return {"lapsed": lapsed, "run": run.id, "trips": run.trips}


def deliver_mail(now: datetime | None = None) -> dict:
    """Retry due outbox messages (every minute)."""
    return deliver_pending(now=now)


def deliver_webhooks(now: datetime | None = None) -> dict:
    """Send the due webhook deliveries of the events feed (every minute, with the mail)."""
    return deliver_due(now=now)
