"""Time a clearing run over 20,000 active listings in PostgreSQL: load, solve, store.

    python benchmarks/bench_clearing.py [--url URL] [--listings 20000] [--pesantren 5000]

URL defaults to a database of its own (bench_matching_app on the local server), which is emptied
and refilled. Runs the clearing twice: the second run also supersedes the first run's proposals.
"""

from __future__ import annotations

import argparse
import time

from matching_data import DEFAULT_URL, bench_app, fill


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default=DEFAULT_URL)
    ap.add_argument("--listings", type=int, default=20_000)
    ap.add_argument("--pesantren", type=int, default=5_000)
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()

    from exchange.matching.services import run_clearing

    app = bench_app(args.url)
    t = time.perf_counter()
    fill(app, args.listings, args.pesantren)
    print(
        f"filled {args.listings} listings, {args.pesantren} pesantren in "
        f"{time.perf_counter() - t:.1f} s"
    )
    for k in range(args.runs):
        with app.app_context():
            run = run_clearing()
            tm = run.timings
            print(
                f"run {k + 1}: listings={run.listings_count} pairs={run.candidate_pairs} "
                f"proposals={run.proposals_count} welfare=Rp {run.welfare:,} | "
                f"load {tm['load_ms']:.0f} ms, solve {tm['solve_ms']:.0f} ms, "
                f"store {tm['store_ms']:.0f} ms, total {tm['total_ms']:.0f} ms"
            )


if __name__ == "__main__":
    main()
