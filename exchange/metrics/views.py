"""Request timing and ``/metrics``.

``/metrics`` answers a signed-in staff member or a request carrying ``Authorization: Bearer
<METRICS_TOKEN>`` (a Prometheus server); anyone else gets the 404 of a page that does not
exist. With ``PROMETHEUS_MULTIPROC_DIR`` set (gunicorn's workers), the histograms are read from
the shared files of every worker; the database gauges are read once, by the answering worker.
"""

from __future__ import annotations

import hmac
import os
import time

from flask import Blueprint, Flask, Response, current_app, g, request
from flask_login import current_user
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)

from exchange.auth.policy import is_staff_role
from exchange.errors import NotFound
from exchange.metrics.instruments import REQUEST_LATENCY, GaugeSources

bp = Blueprint("metrics", __name__)
_gauges = CollectorRegistry()  # read only by scrape(): nothing else collects it
_gauges.register(GaugeSources())


def _timer_start() -> None:
    g.metrics_started = time.perf_counter()


def _timer_stop(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    if started is not None:
        REQUEST_LATENCY.labels(
            request.endpoint or "unmatched", request.method, f"{response.status_code // 100}xx"
        ).observe(time.perf_counter() - started)
    return response


def init_request_metrics(app: Flask) -> None:
    """Time every request: the first ``before_request`` (so a 503 of the outage guard is timed
    too) and an ``after_request`` (which Flask runs for error pages as well)."""
    app.before_request_funcs.setdefault(None, []).insert(0, _timer_start)
    app.after_request(_timer_stop)


def _token_ok() -> bool:
    expected = current_app.config.get("METRICS_TOKEN") or ""
    header = request.headers.get("Authorization", "")
    kind, _space, given = header.partition(" ")
    return (
        bool(expected)
        and kind.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), expected.encode())
    )


def _process_metrics() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


@bp.get("/metrics")
def scrape():
    """The Prometheus text format. Hidden (404) from all but staff and the scrape token."""
    if not _token_ok() and not (current_user.is_authenticated and is_staff_role(current_user.role)):
        raise NotFound()
    body = _process_metrics() + generate_latest(_gauges)
    response = Response(body, mimetype=CONTENT_TYPE_LATEST.split(";")[0])
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    response.headers["Cache-Control"] = "no-store"
    return response
