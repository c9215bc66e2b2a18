"""The session hooks, installed in one place at start-up (``create_app`` calls ``install``).

Two speed features act on every commit without each service calling them; both are listed
here, so that what happens on a commit can be read in one file (docs/wiring.md, "Session
hooks"):

- ``listings.versions``: a write a visitor's page could show (listing, pesantren, regency,
  commodity) bumps the market version before COMMIT, so cached market pages go stale.
- ``dashboard.facts``: a change to a deal (its contract, its events) or a pesantren's regency
  rewrites that deal's row of ``contract_facts`` (and the day sums) before COMMIT.
- ``events.feed``: a deal's move, a listing, a clearing proposal or run, a notification writes
  the API's events feed (``api_events``, one row per pesantren concerned) before COMMIT;
  first, so that the market version's bump stays the last statement.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from exchange.dashboard import facts
from exchange.events import feed as events
from exchange.listings import versions

HOOKS = (*events.SESSION_HOOKS, *versions.SESSION_HOOKS, *facts.SESSION_HOOKS)


def install() -> None:
    """Listen on every SQLAlchemy session; idempotent (the app may be created many times)."""
    for name, hook in HOOKS:
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)
