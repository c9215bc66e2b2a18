"""The JSON API beside the pages it mirrors, with 50,000 listings in PostgreSQL.

    make bench-api            (BENCH_API_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_api)

Loads the market of ``bench_market.py`` into a database of its own, makes a token for its
manager, then requests each scenario N times through the Flask test client: the market page and
``/api/v1/listings`` with the same query, and the smallest API answer (``/api/v1/regencies``)
for the token check, rate-limit upsert and JSON cost. Prints median and p95 milliseconds and the
SQL statements of one request.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, select  # noqa: E402

from benchmarks.bench_market import PASSWORD, load, recreate_database  # noqa: E402
from exchange import create_app  # noqa: E402
from exchange.api.tokens import create_token  # noqa: E402
from exchange.auth.models import User  # noqa: E402
from exchange.extensions import db  # noqa: E402

URL = os.environ.get("BENCH_API_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_api")
N = int(os.environ.get("BENCH_N", 100))


def measure(app, client, url: str, headers=None) -> tuple[float, float, int]:
    with app.app_context():
        engine = db.engine
    client.get(url, headers=headers)  # warm up
    times = []
    for _ in range(N):
        t0 = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    statements = []

    def count(*args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    client.get(url, headers=headers)
    event.remove(engine, "before_cursor_execute", count)
    times.sort()
    return statistics.median(times), times[int(0.95 * len(times)) - 1], len(statements)


def main() -> None:
    recreate_database(URL)
    app = create_app("testing", DATABASE_URL=URL, WTF_CSRF_ENABLED=False, API_RATE_LIMIT=10**9)
    with app.app_context():
        db.create_all()
        email = load(random.Random(2027))
        user = db.session.scalar(select(User).where(User.email == email))
        token = create_token(user, "bench", ["read"])[1]
    page = app.test_client()
    page.post("/akun/masuk", data={"email": email, "password": PASSWORD})
    api, bearer = app.test_client(), {"Authorization": f"Bearer {token}"}
    queries = [
        ("no filters", "sort=newest"),
        ("commodity, price sort", "commodity=garam_krosok&sort=price_asc"),
        ("distance <= 50 km, sorted", "sort=distance&km=50"),
        ("keywords", "q=beras+jombang"),
    ]
    print(f"{'scenario':38} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for name, query in queries:
        for label, client, url, headers in (
            ("page", page, f"/pasar?{query}", None),
            ("api", api, f"/api/v1/listings?{query}", bearer),
        ):
            median, p95, count = measure(app, client, url, headers)
            print(f"{label + ' ' + name:38} {median:10.1f} {p95:8.1f} {count:8d}")
    for label, url, headers in (
        ("healthz", "/healthz", None),
        ("api regencies", "/api/v1/regencies", bearer),
    ):
        median, p95, count = measure(app, api, url, headers)
        print(f"{label:38} {median:10.1f} {p95:8.1f} {count:8d}")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
