"""Time the suggestions of one listing over 50,000 active listings in PostgreSQL.

    python benchmarks/bench_suggestions.py [--url URL] [--listings 50000] [--pesantren 5000]

URL defaults to a database of its own (bench_matching_app on the local server), which is emptied
and refilled. Prints the median and 95th percentile of `queries.suggestions_for` (load the
counterparts as columns, rank them with the engine's `suggest`) for 200 random listings, and of the
whole page `/pasar/<id>/saran` through the test client.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from matching_data import DEFAULT_URL, bench_app, fill, percentile

from exchange.clock import today_wib
from exchange.extensions import db


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default=DEFAULT_URL)
    ap.add_argument("--listings", type=int, default=50_000)
    ap.add_argument("--pesantren", type=int, default=5_000)
    ap.add_argument("--samples", type=int, default=200)
    args = ap.parse_args()

    from exchange.listings.models import Listing
    from exchange.matching import queries

    app = bench_app(args.url)
    t = time.perf_counter()
    fill(app, args.listings, args.pesantren)
    print(
        f"filled {args.listings} listings, {args.pesantren} pesantren in "
        f"{time.perf_counter() - t:.1f} s"
    )
    rnd = random.Random(7)
    with app.app_context():
        ids = list(db.session.scalars(db.select(Listing.id)))
        picks = rnd.sample(ids, args.samples)
        today = today_wib()
        times, counts = [], []
        for lid in picks:
            db.session.remove()
            t = time.perf_counter()
            found = queries.suggestions_for(lid, None, today)
            times.append((time.perf_counter() - t) * 1000)
            counts.append(len(found.rows))
    report("suggestions_for", times)
    print(f"  suggestions per listing: mean {statistics.mean(counts):.1f}")
    client = app.test_client()
    client.get(f"/pasar/{picks[0]}/saran")  # warm the templates
    times = []
    for lid in picks:
        t = time.perf_counter()
        resp = client.get(f"/pasar/{lid}/saran")
        times.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 200, resp.status_code
    report("page /pasar/<id>/saran", times)


def report(label: str, times: list[float]) -> None:
    print(
        f"{label}: n={len(times)} median {statistics.median(times):.1f} ms, "
        f"p95 {percentile(times, 0.95):.1f} ms, max {max(times):.1f} ms"
    )


if __name__ == "__main__":
    main()
