"""The reads a lagging replica may answer, in one list (docs/production.md, "Read replica").

A GET or HEAD of an endpoint in ``ANYONE`` reads from the replica (exchange/routing.py) for
every reader; one in ``VISITORS`` only for a visitor who is not signed in (a manager is sent to
``/pasar/<id>`` right after saving the listing: that page must show the write, so signed-in
readers stay on the primary). Everything else, and every write, stays on the primary.

Only the view function runs on the replica: the signed-in account (loaded here first) and the
API's token and rate limit (a ``before_request``) are always read from the primary, so a
deactivated account or a revoked token never outlives its change on a lagging replica.
A replica that does not answer, or lags too far, leaves the view on the primary
(``exchange/site/replica_health.py``); one that fails half-way through the view (its connection
drops, or a standby cancels the statement) has the view run again on the primary: these views
only read, so running one twice is safe.
"""

from __future__ import annotations

from functools import wraps

from flask import Flask, request
from flask_login import current_user
from sqlalchemy.exc import OperationalError

from exchange.extensions import db
from exchange.routing import REPLICA, replica_reads
from exchange.site.replica_health import (
    forget_failure,
    lost_replica,
    open_replica,
    replica_failure,
    watch_replica,
)

#: Lag-tolerant for everyone: market lists, the public home, staff figures, reference lists.
ANYONE = frozenset(
    {
        "site.index",
        "listings.market",
        "pesantren.directory",
        "staff.dashboard",
        "staff.flows",
        "staff.network",
        "staff.unmet",
        "staff.prices",
        "staff.export",
        "api.market",
        "api.commodities",
        "api.regencies",
        "api.staff_figures",
        "api.staff_flows",
    }
)
#: Lag-tolerant for visitors only: pages a manager is sent to right after a write.
VISITORS = frozenset({"listings.detail", "pesantren.profile"})
READ_METHODS = ("GET", "HEAD")


def _on_replica(view, visitors_only: bool):
    @wraps(view)
    def routed(*args, **kwargs):
        if request.method not in READ_METHODS:
            return view(*args, **kwargs)
        signed_in = current_user.is_authenticated  # loads the account from the primary
        if visitors_only and signed_in:
            return view(*args, **kwargs)
        if not open_replica():  # down, waiting for its retry, or lagging: the primary answers
            return view(*args, **kwargs)
        forget_failure()
        try:
            with replica_reads():
                return view(*args, **kwargs)
        except OperationalError:
            what = replica_failure()
            if what is None:  # the primary's failure: the outage handling answers it
                raise
        lost_replica(what)
        return view(*args, **kwargs)

    return routed


def init_replica_reads(app: Flask) -> None:
    """Call after the blueprints are registered. Without ``DATABASE_REPLICA_URL`` nothing is
    wrapped; an endpoint of the lists that does not exist stops the app (a renamed view)."""
    if not app.config.get("DATABASE_REPLICA_URL"):
        return
    with app.app_context():
        watch_replica(db.engines[REPLICA])
    for endpoint in sorted(ANYONE | VISITORS):
        if endpoint not in app.view_functions:
            raise RuntimeError(f"replica_reads lists {endpoint!r}, which is no endpoint")
        view = app.view_functions[endpoint]
        app.view_functions[endpoint] = _on_replica(view, endpoint in VISITORS)
