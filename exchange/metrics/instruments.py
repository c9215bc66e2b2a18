"""The process's measurements and the registry of gauges read at scrape time.

Histograms count in this process (or, with ``PROMETHEUS_MULTIPROC_DIR`` set before the start,
in files shared by gunicorn's workers: prometheus_client's multiprocess mode). Gauges of state
kept in the database (a backlog, the latest run) are not counted here but read when scraped:
a domain registers a callback with ``register_gauge`` and every worker answers the same.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from prometheus_client import Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

# Seconds: a fast page is a few ms; gunicorn's worker timeout is 30 s.
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# Jobs run from milliseconds (an empty outbox) to minutes (clearing, freight planning).
JOB_BUCKETS = (0.01, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)

REQUEST_LATENCY = Histogram(
    "exchange_http_request_duration_seconds",
    "Time to answer a request, by Flask endpoint (not path: bounded labels), method, status class.",
    ("endpoint", "method", "status"),
    buckets=REQUEST_BUCKETS,
)
JOB_DURATION = Histogram(
    "exchange_job_duration_seconds",
    "Time one scheduled job run took, by job id and outcome (success or failure).",
    ("job", "outcome"),
    buckets=JOB_BUCKETS,
)


@contextmanager
def time_job(job: str) -> Iterator[None]:
    """Observe the block's duration under ``job``: outcome ``failure`` when it raises."""
    started = time.perf_counter()
    outcome = "failure"
    try:
        yield
        outcome = "success"
    finally:
        JOB_DURATION.labels(job, outcome).observe(time.perf_counter() - started)


#: A gauge's values: ``(label values, value)`` pairs (one pair ``((), value)`` without labels).
Reading = Iterable[tuple[tuple[str, ...], float]]


@dataclass(frozen=True, slots=True)
class GaugeSource:
    name: str
    documentation: str
    labels: tuple[str, ...]
    read: Callable[[], Reading]


_SOURCES: dict[str, GaugeSource] = {}


def register_gauge(
    name: str, documentation: str, read: Callable[[], Reading], labels: tuple[str, ...] = ()
) -> None:
    """Export gauge ``name``, read by ``read()`` at every scrape (in the scraping request's
    app context). Registering a name again replaces it (one app per test, several apps)."""
    _SOURCES[name] = GaugeSource(name, documentation, tuple(labels), read)


def registered() -> list[str]:
    return sorted(_SOURCES)


class GaugeSources(Collector):
    """The registered gauges, read now. A source that fails is left out of this scrape (and
    logged): the others and the process's own metrics still answer."""

    def collect(self):
        for name in sorted(_SOURCES):
            source = _SOURCES[name]
            family = GaugeMetricFamily(name, source.documentation, labels=list(source.labels))
            try:
                for values, value in source.read():
                    family.add_metric(list(values), float(value))
            except Exception:  # noqa: BLE001 - one broken source must not hide the rest
                log.warning("metrics: gauge %s could not be read", name, exc_info=True)
                continue
            yield family
