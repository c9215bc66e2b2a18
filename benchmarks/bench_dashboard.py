"""How long the staff dashboard takes to render with 100,000 contracts between 5,000 pesantren.

Builds a PostgreSQL database of its own (BENCH_DATABASE_URL, default ``bench_dashboard`` on the
local server), bulk-inserts pesantren, deals, accepted terms, contracts and open listings, then
renders every dashboard page through the Flask test client and prints the median and p95, then
the median of renders that compute everything again (as after a new contract: memo.py's results
dropped before each).

    make bench-dashboard     # or: PYTHONPATH=. .venv/bin/python benchmarks/bench_dashboard.py
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_mine make bench-dashboard
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select, text

from tests.pgcheck import ensure_database

PESANTREN = int(os.environ.get("BENCH_PESANTREN", 5000))
CONTRACTS = int(os.environ.get("BENCH_CONTRACTS", 100_000))
LISTINGS = int(os.environ.get("BENCH_LISTINGS", 10_000))
PARTNERS = 6  # regular trading partners per pesantren, mostly nearby
RUNS = int(os.environ.get("BENCH_RUNS", 7))
URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_dashboard"
)
STATES = ["completed"] * 5 + ["received", "shipped", "signed", "disputed", "cancelled"]
PAGES = [
    ("overview", "", ""),
    ("flows (map)", "/arus", ""),
    ("network", "/jaringan", ""),
    ("unmet demand", "/permintaan", ""),
    ("prices", "/harga", ""),
    ("prices, one commodity", "/harga", "&komoditas=beras"),
    ("overview, one regency", "", "&kabupaten=3578"),
]


def build(db, rng: random.Random, today: date) -> None:
    from exchange.catalogue.models import Commodity
    from exchange.catalogue.reference import load_reference_data
    from exchange.deals.models import Contract, Deal, TermsVersion
    from exchange.listings.models import Listing
    from exchange.pesantren.models import Pesantren, Regency

    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.create_all()
    load_reference_data()
    regencies = list(db.session.scalars(select(Regency).order_by(Regency.code)))
    commodities = list(db.session.scalars(select(Commodity).order_by(Commodity.id)))
    now = datetime.now(UTC)
    people = []
    for i in range(1, PESANTREN + 1):
        r = regencies[i % len(regencies)]
        people.append(
            {
                "id": i,
                "name": f"Pondok Pesantren Bench {i}",
                "nspp": f"51{i:010d}",
                "kopontren_name": f"Kopontren {i}",
                "regency_code": r.code,
                "address": "",
                "lat": r.lat + rng.uniform(-0.08, 0.08),
                "lon": r.lon + rng.uniform(-0.08, 0.08),
                "phone": "+6281234567890",
                "santri_count": rng.randrange(100, 3000),
                "products": "",
                "halal_certificates": [],
                "status": "verified",
                "created_at": now,
            }
        )
    db.session.execute(insert(Pesantren.__table__), people)
    # Each pesantren trades with a few partners, most in the regencies next in the list.
    partners = {
        i: [
            ((i - 1 + rng.choice([1, 38, 76, rng.randrange(1, PESANTREN)])) % PESANTREN) + 1
            for _ in range(PARTNERS)
        ]
        for i in range(1, PESANTREN + 1)
    }
    deals, terms, contracts = [], [], []
    for n in range(1, CONTRACTS + 1):
        seller = rng.randrange(1, PESANTREN + 1)
        buyer = rng.choice(partners[seller])
        if buyer == seller:
            buyer = seller % PESANTREN + 1
        c = commodities[rng.randrange(len(commodities))]
        signed = now - timedelta(days=rng.uniform(0, 360))
        qty = rng.randrange(50, 5000)
        price = int(c.reference_price * rng.uniform(0.85, 1.15)) or 1
        state = rng.choice(STATES)
        deals.append(
            {
                "id": n, "seller_pesantren_id": seller, "buyer_pesantren_id": buyer,
                "commodity_id": c.id, "state": state, "terms_version": 1, "accepted_version": 1,
                "reserved_quantity": qty, "version": 1, "last_move_at": signed,
                "signed_at": signed, "created_at": signed - timedelta(days=2),
            }
        )  # fmt: skip
        terms.append(
            {
                "deal_id": n, "number": 1, "quantity": qty, "unit_price": price, "akad": "tunai",
                "handover_date": signed.date() + timedelta(days=7), "handover_place": "Gudang",
                "transport": "seller", "payment_schedule": [], "message": "",
                "author_side": "seller", "created_at": signed - timedelta(days=2),
            }
        )  # fmt: skip
        contracts.append(
            {
                "deal_id": n, "number": f"BP/B/{n:08d}", "terms_version": 1,
                "total": qty * price, "snapshot": {}, "created_at": signed,
            }
        )  # fmt: skip
    for table, rows in ((Deal, deals), (TermsVersion, terms), (Contract, contracts)):
        for lo in range(0, len(rows), 10_000):
            db.session.execute(insert(table.__table__), rows[lo : lo + 10_000])
    listings = []
    for n in range(1, LISTINGS + 1):
        p = people[rng.randrange(PESANTREN)]
        c = commodities[rng.randrange(len(commodities))]
        side = "offer" if n % 2 else "request"
        q = rng.randrange(100, 5000)
        start = today - timedelta(days=rng.randrange(0, 20))
        listings.append(
            {
                "id": n, "side": side, "pesantren_id": p["id"], "commodity_id": c.id,
                "grade": 1, "quantity": q, "remaining": q,
                "price": int(c.reference_price * rng.uniform(0.8, 1.2)) or 1,
                "window_start": start, "window_end": start + timedelta(days=40),
                "lat": p["lat"], "lon": p["lon"],
                "max_distance_km": 150.0 if side == "request" else None,
                "akad": ["tunai"], "note": "", "status": "active", "version": 1,
                "created_at": now - timedelta(days=rng.uniform(0, 20)),
            }
        )  # fmt: skip
    db.session.execute(insert(Listing.__table__), listings)
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))


def main() -> None:
    from exchange import create_app
    from exchange.auth.models import Role, User
    from exchange.dashboard import memo
    from exchange.dashboard.facts import rebuild
    from exchange.extensions import db
    from exchange.matching.services import run_clearing

    ensure_database(URL)
    app = create_app("testing", DATABASE_URL=URL, WTF_CSRF_ENABLED=False)
    from exchange.clock import today_wib

    today = today_wib()
    with app.app_context():
        t0 = time.perf_counter()
        build(db, random.Random(42), today)
        staff = User(email="bench@opop.id", name="Bench", role=Role.STAFF)
        staff.set_password("rahasia-sekali-123")
        db.session.add(staff)
        db.session.commit()
        print(
            f"built {PESANTREN} pesantren, {CONTRACTS} contracts, {LISTINGS} open listings "
            f"in {time.perf_counter() - t0:.1f} s (PostgreSQL)"
        )
        # Rows were bulk-inserted around the services: fill what they keep up to date.
        t0 = time.perf_counter()
        n = rebuild(db.session)
        db.session.commit()
        print(f"contract facts rebuilt: {n} rows in {time.perf_counter() - t0:.1f} s")
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE contract_facts, contract_days"))
        run = run_clearing()
        print(
            f"clearing run (stores partners, unmet demand): {run.timings['total_ms']:.0f} ms, "
            f"{run.proposals_count} proposals"
        )
    client = app.test_client()
    client.post("/akun/masuk", data={"email": "bench@opop.id", "password": "rahasia-sekali-123"})
    period = f"?dari={today - timedelta(days=364)}&sampai={today}"
    print(f"period: the last 365 days; {RUNS} renders per page after the first")
    print(f"{'page':34} {'first':>8} {'median':>8} {'p95':>8}")
    for label, path, extra in PAGES:
        url = "/staf/dasbor" + path + period + extra
        times = []
        for _ in range(RUNS + 1):
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        first, rest = times[0], sorted(times[1:])
        p95 = rest[min(len(rest) - 1, round(0.95 * (len(rest) - 1)))]
        print(f"{label:34} {first:8.3f} {statistics.median(rest):8.3f} {p95:8.3f}")
    # Every new contract or move writes a new facts version: the next view computes again.
    print(f"after a change (what memo.py keeps dropped before each render; median of {RUNS}):")
    for label, path, extra in PAGES:
        url = "/staf/dasbor" + path + period + extra
        times = []
        for _ in range(RUNS):
            memo.forget()
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{label:34} {'':8} {statistics.median(times):8.3f}")
    start = time.perf_counter()
    response = client.get("/staf/dasbor/ekspor/regency_flows.csv" + period)
    print(
        f"{'CSV regency_flows':34} {time.perf_counter() - start:8.3f}  ({len(response.data)} bytes)"
    )


if __name__ == "__main__":
    main()
