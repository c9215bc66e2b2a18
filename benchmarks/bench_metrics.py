"""What the Prometheus request timing costs per request, and what a scrape costs.

    .venv/bin/python benchmarks/bench_metrics.py     (BENCH_METRICS_N=2000 requests per round)

In-process, on a SQLite file: the Flask test client asks a cheap page (``/healthz``) and the
market page (``/pasar``, 30 listings) N times with the timing hooks on and N times with them
removed, in alternating rounds; prints the median per-request CPU time of each and the
difference. Then the bare cost of one histogram observation, in this process's memory and in
prometheus_client's multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``, a subprocess: the mode
is chosen at import), and the time of one ``/metrics`` scrape.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

N = int(os.environ.get("BENCH_METRICS_N", 300))
ROUNDS = 6  # alternating on/off, then off/on: a load that drifts hits both alike
OBSERVE = """
import time
from exchange.metrics.instruments import REQUEST_LATENCY
n = 200_000
t = time.perf_counter()
for _ in range(n):
    REQUEST_LATENCY.labels("site.index", "GET", "2xx").observe(0.0123)
print((time.perf_counter() - t) / n * 1e6)
"""


def build_app(folder: str):
    from exchange import create_app
    from exchange.catalogue.reference import load_reference_data
    from exchange.extensions import db
    from exchange.metrics import views as metrics_views
    from tests.factories import make_listing, make_pesantren

    app = create_app(
        "testing",
        DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3",
        MAIL_FILE_DIR=folder,
        METRICS_TOKEN="bench-token",  # noqa: S106 - a benchmark's token
    )
    with app.app_context():
        db.create_all()
        load_reference_data()
        for n in range(30):
            make_listing(make_pesantren(), price=1000 + n)
    return app, metrics_views


def timed(client, path: str, n: int) -> float:
    """CPU microseconds of this process per request (the machine is shared: wall time
    measures the neighbours too)."""
    started = time.process_time()
    for _ in range(n):
        client.get(path)
    return (time.process_time() - started) / n * 1e6


def hook_pair_cost(app, views, n: int = 20_000) -> float:
    """Microseconds of the two hooks themselves: what every request pays."""
    from flask import Response

    response = Response(status=200)
    with app.test_request_context("/pasar"):
        started = time.perf_counter()
        for _ in range(n):
            views._timer_start()
            views._timer_stop(response)
        return (time.perf_counter() - started) / n * 1e6


def toggle(app, views, on: bool) -> None:
    before = app.before_request_funcs.setdefault(None, [])
    after = app.after_request_funcs.setdefault(None, [])
    for funcs, fn in ((before, views._timer_start), (after, views._timer_stop)):
        if fn in funcs:
            funcs.remove(fn)
    if on:
        before.insert(0, views._timer_start)
        after.append(views._timer_stop)


def observe_cost(multiprocess: bool) -> float:
    env = dict(os.environ, EXCHANGE_ENV="testing", PYTHONPATH=str(ROOT))
    with tempfile.TemporaryDirectory() as folder:
        if multiprocess:
            env["PROMETHEUS_MULTIPROC_DIR"] = folder
        out = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
            [sys.executable, "-c", OBSERVE], env=env, capture_output=True, text=True, check=True
        )
    return float(out.stdout.strip())


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app, views = build_app(folder)
        client = app.test_client()
        print(f"{N} requests per round, {ROUNDS} rounds, median CPU microseconds per request")
        for path in ("/healthz", "/pasar"):
            timed(client, path, 50)  # warm up
            on, off = [], []
            for r in range(ROUNDS):
                for metrics_on in (False, True) if r % 2 == 0 else (True, False):
                    toggle(app, views, metrics_on)
                    (on if metrics_on else off).append(timed(client, path, N))
            m_on, m_off = statistics.median(on), statistics.median(off)
            print(
                f"{path:<10} without metrics {m_off:8.1f}  with metrics {m_on:8.1f}"
                f"  difference {m_on - m_off:+7.1f} ({(m_on - m_off) / m_off:+.1%})"
            )
        headers = {"Authorization": "Bearer bench-token"}
        scrape = [timed_scrape(client, headers) for _ in range(50)]
        print(f"/metrics scrape: median {statistics.median(scrape):.2f} ms (wall)")
        print(f"the two timing hooks alone: {hook_pair_cost(app, views):.2f} us per request")
    print(f"one observation, in memory:         {observe_cost(False):.2f} us")
    print(f"one observation, multiprocess mode: {observe_cost(True):.2f} us")


def timed_scrape(client, headers) -> float:
    started = time.perf_counter()
    response = client.get("/metrics", headers=headers)
    if response.status_code != 200:
        raise SystemExit(f"/metrics answered {response.status_code}")
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    main()
