"""The listings batch endpoint against one POST per listing, in PostgreSQL.

    make bench-api        (BENCH_API_BATCH_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_api_batch)

One pesantren posts 500 listings twice through the Flask test client (no network): once as
one ``POST /api/v1/listings/batch`` of 500 rows, once as 500 ``POST /api/v1/listings``. Prints
the wall time, listings per second and requests spent (the rate limit counts requests per
pesantren: 120 a minute by default). Rough on a shared machine; never asserted.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exchange import create_app  # noqa: E402
from exchange.api.tokens import create_token  # noqa: E402
from exchange.clock import today_wib  # noqa: E402
from exchange.extensions import db  # noqa: E402
from tests.factories import make_manager  # noqa: E402
from tests.pgcheck import recreate_database  # noqa: E402

URL = os.environ.get(
    "BENCH_API_BATCH_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_api_batch"
)
ROWS = int(os.environ.get("BENCH_BATCH_ROWS", 500))


def rows(prefix: int) -> list[dict]:
    start = today_wib()
    return [
        {
            "side": "offer",
            "commodity": "garam_krosok",
            "quantity": 100 + n,
            "grade": "K1",
            "price": 1500 + prefix + n,
            "window_start": start.isoformat(),
            "window_end": (start + timedelta(days=30)).isoformat(),
            "akad": ["tunai"],
        }
        for n in range(ROWS)
    ]


def main() -> None:
    recreate_database(URL)
    app = create_app(
        "testing",
        DATABASE_URL=URL,
        WTF_CSRF_ENABLED=False,
        API_RATE_LIMIT=10**9,
        MAX_ACTIVE_LISTINGS=10**6,
    )
    with app.app_context():
        db.create_all()
        from exchange.catalogue.reference import load_reference_data

        load_reference_data()
        token = create_token(make_manager(), "bench", ["read", "listings"])[1]
    client = app.test_client()

    def headers(key: str) -> dict:
        return {"Authorization": f"Bearer {token}", "Idempotency-Key": key}

    t0 = time.perf_counter()
    answer = client.post("/api/v1/listings/batch", json={"rows": rows(0)}, headers=headers("b"))
    batch = time.perf_counter() - t0
    assert answer.status_code == 200 and answer.json["written"] == ROWS, answer.json
    t0 = time.perf_counter()
    for n, row in enumerate(rows(10_000)):
        single = client.post("/api/v1/listings", json=row, headers=headers(f"s{n}"))
        assert single.status_code == 201, single.json
    one_by_one = time.perf_counter() - t0
    print(f"{ROWS} listings, PostgreSQL, Flask test client")
    print(f"{'way':28} {'seconds':>8} {'listings/s':>11} {'requests':>9}")
    print(f"{'POST /listings/batch':28} {batch:8.1f} {ROWS / batch:11.0f} {1:9d}")
    rate = ROWS / one_by_one
    print(f"{'POST /listings, one by one':28} {one_by_one:8.1f} {rate:11.0f} {ROWS:9d}")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
