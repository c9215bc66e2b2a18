"""Time the suggestions of one listing over 50,000 active listings in PostgreSQL.

    python benchmarks/bench_suggestions.py [--url URL] [--listings 50000] [--pesantren 5000]

URL defaults to a database of its own (bench_matching_app on the local server), which is emptied
and refilled. Prints the median and 95th percentile of `queries.suggestions_for` (load the
counterparts as columns, rank them with the engine's `suggest`) for 200 random listings, and of the
whole page `/pasar/<id>/saran` through the test client (signed in as the listing's manager:
the page is the owner's).
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
    owners = {lid: _owner(app, lid) for lid in picks}  # the page is the listing owner's
    _sign_in_as(client, owners[picks[0]])
    client.get(f"/pasar/{picks[0]}/saran")  # warm the templates
    times = []
    for lid in picks:
        _sign_in_as(client, owners[lid])
        t = time.perf_counter()
        resp = client.get(f"/pasar/{lid}/saran")
        times.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 200, resp.status_code
    report("page /pasar/<id>/saran", times)


def _owner(app, listing_id: int) -> str:
    """The session id of a manager of the listing's pesantren (made when it has none)."""
    from exchange.auth.models import User
    from exchange.listings.models import Listing

    with app.app_context():
        pid = db.session.get(Listing, listing_id).pesantren_id
        user = db.session.scalar(db.select(User).where(User.pesantren_id == pid).limit(1))
        if user is None:
            user = User(email=f"bench{pid}@contoh.id", name="Bench", role="manager")
            user.pesantren_id, user.password_hash = pid, "!"
            db.session.add(user)
            db.session.commit()
        return user.get_id()


def _sign_in_as(client, session_id: str) -> None:
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = session_id, True


def report(label: str, times: list[float]) -> None:
    print(
        f"{label}: n={len(times)} median {statistics.median(times):.1f} ms, "
        f"p95 {percentile(times, 0.95):.1f} ms, max {max(times):.1f} ms"
    )


if __name__ == "__main__":
    main()
