"""The periodic jobs. Each one can be run by hand (``flask --app wsgi exchange ...``).

Jobs of domains that are not installed log that and do nothing, so the scheduler runs on any
combination of branches.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import update

from exchange.audit.services import record
from exchange.db import utcnow
from exchange.digests.periods import WIB
from exchange.extensions import db
from exchange.listings.models import Listing, ListingStatus

log = logging.getLogger(__name__)


def run_clearing(now: datetime | None = None):
    """The matching engine's clearing run (nightly by default)."""
    try:
        from exchange.matching.services import run_clearing as clearing
    except ImportError:
        log.info("matching not installed: clearing run skipped")
        return None
    return clearing()


def send_digests(period: str, now: datetime | None = None) -> dict:
    """Queue the period's digests, then try to deliver what is due."""
    from exchange.digests.services import run_digests
    from exchange.mail.outbox import deliver_pending

    counts = run_digests(period, now=now)
    counts["delivery"] = deliver_pending()
    return counts


def expire(now: datetime | None = None) -> dict:
    """Mark listings whose window has passed as expired; expire unanswered negotiation moves."""
    now = now or utcnow()
    today = now.astimezone(WIB).date()
    try:
        from exchange.listings.services import expire_listings
    except ImportError:
        listings = expire_listings_directly(today)
    else:
        listings = expire_listings(today)
    try:
        from exchange.deals.services import expire_stale_moves
    except ImportError:
        log.info("deals not installed: negotiation moves not expired")
        moves = None
    else:
        moves = expire_stale_moves(now)
    return {"listings": listings, "moves": moves}


def expire_listings_directly(today) -> int:
    """Active listings whose window ended before ``today`` become expired (one UPDATE)."""
    result = db.session.execute(
        update(Listing)
        .where(Listing.status == ListingStatus.ACTIVE.value)
        .where(Listing.window_end < today)
        .values(status=ListingStatus.EXPIRED.value, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    count = result.rowcount or 0
    if count:
        record("listings.expired", None, count=count, before=today.isoformat())
    db.session.commit()
    return count


def send_reminders(now: datetime | None = None):
    """Remind people of deals waiting on them (daily)."""
    try:
        from exchange.deals.services import send_reminders as reminders
    except ImportError:
        log.info("deals not installed: no reminders to send")
        return None
    return reminders(now or utcnow())


def deliver_mail(now: datetime | None = None) -> dict:
    """Retry due outbox messages (every minute)."""
    from exchange.mail.outbox import deliver_pending

    return deliver_pending(now=now)
