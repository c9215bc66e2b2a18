"""How fast is the market page with 50,000 listings in PostgreSQL?

    make bench-market            (or: .venv/bin/python benchmarks/bench_market.py)

Creates (drops and re-creates) a separate database, ``bench_market`` by default
(``BENCH_MARKET_URL`` overrides the URL), bulk-loads ~5,000 pesantren and 50,000 listings, then
requests the browse page through the Flask test client N times per scenario and prints the
median and 95th-percentile time in milliseconds and the SQL statements per page.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, insert, select, text  # noqa: E402

from exchange import create_app  # noqa: E402
from exchange.auth.models import Role, User  # noqa: E402
from exchange.catalogue.models import Commodity  # noqa: E402
from exchange.catalogue.reference import load_reference_data  # noqa: E402
from exchange.clock import today_wib  # noqa: E402
from exchange.db import utcnow  # noqa: E402
from exchange.extensions import db  # noqa: E402
from exchange.listings.geo import unit_vector  # noqa: E402
from exchange.listings.models import Listing  # noqa: E402
from exchange.pesantren.models import Pesantren, Regency  # noqa: E402
from tests.pgcheck import recreate_database  # noqa: E402

URL = os.environ.get(
    "BENCH_MARKET_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_market"
)
PESANTREN = int(os.environ.get("BENCH_PESANTREN", 5000))
LISTINGS = int(os.environ.get("BENCH_LISTINGS", 50000))
N = int(os.environ.get("BENCH_N", 100))
PASSWORD = "bench-market-password"


def load(rng: random.Random) -> str:
    load_reference_data()
    regencies = list(db.session.scalars(select(Regency)))
    commodities = list(db.session.scalars(select(Commodity)))
    now = utcnow()
    rows = []
    for i in range(PESANTREN):
        r = rng.choice(regencies)
        rows.append(
            {
                "name": f"Pondok Pesantren Bench {i}",
                "nspp": f"{510000000000 + i}",
                "kopontren_name": f"Kopontren Bench {i}",
                "regency_code": r.code,
                "address": f"Jl. Bench {i}",
                "lat": r.lat + rng.uniform(-0.15, 0.15),
                "lon": r.lon + rng.uniform(-0.15, 0.15),
                "phone": "+6281234567890",
                "santri_count": int(rng.lognormvariate(5, 1)),
                "products": "",
                "halal_certificates": [],
                "status": "verified",
                "created_at": now,
            }
        )
    db.session.execute(insert(Pesantren), rows)
    places = db.session.execute(select(Pesantren.id, Pesantren.lat, Pesantren.lon)).all()
    today = today_wib()
    batch = []
    for i in range(LISTINGS):
        pid, lat, lon = rng.choice(places)
        c = rng.choice(commodities)
        start = today + timedelta(days=rng.randint(-30, 40))
        q = rng.randint(10, 50000)
        x, y, z = unit_vector(lat, lon)
        status = rng.choices(("active", "withdrawn", "fulfilled"), (90, 5, 5))[0]
        batch.append(
            {
                "side": rng.choice(("offer", "request")),
                "pesantren_id": pid,
                "commodity_id": c.id,
                "grade": rng.randint(1, len(c.grades)),
                "quantity": q,
                "remaining": 0 if status == "fulfilled" else q,
                "price": max(1, int(c.reference_price * rng.uniform(0.9, 1.1))),
                "window_start": start,
                "window_end": start + timedelta(days=rng.randint(7, 60)),
                "lat": lat,
                "lon": lon,
                "geo_x": x,
                "geo_y": y,
                "geo_z": z,
                "max_distance_km": None,
                "akad": ["tunai"],
                "note": "",
                "status": status,
                "version": 1,
                "created_at": now - timedelta(minutes=LISTINGS - i),
            }
        )
        if len(batch) == 5000:
            db.session.execute(insert(Listing), batch)
            batch = []
    if batch:
        db.session.execute(insert(Listing), batch)
    manager = User(
        email="bench@bench.id", name="Bench", role=Role.MANAGER, pesantren_id=places[0][0]
    )
    manager.set_password(PASSWORD)
    db.session.add(manager)
    db.session.commit()
    with db.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return manager.email


def measure(app, client, url: str) -> tuple[float, float, int, int]:
    statements = []

    def count(*args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    client.get(url)  # warm up
    times = []
    for _ in range(N):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
    event.listen(engine, "before_cursor_execute", count)
    response = client.get(url)
    event.remove(engine, "before_cursor_execute", count)
    rows = response.text.count('href="/pasar/')
    times.sort()
    return statistics.median(times), times[int(0.95 * len(times)) - 1], len(statements), rows


def main() -> None:
    rng = random.Random(2027)
    recreate_database(URL)
    app = create_app("testing", DATABASE_URL=URL, WTF_CSRF_ENABLED=False)
    with app.app_context():
        db.create_all()
        t0 = time.perf_counter()
        email = load(rng)
        loaded = time.perf_counter() - t0
        regency = db.session.scalar(select(Pesantren.regency_code).limit(1))
    print(f"loaded {PESANTREN} pesantren and {LISTINGS} listings in {loaded:.1f} s ({URL})")
    visitor = app.test_client()
    manager = app.test_client()
    manager.post("/akun/masuk", data={"email": email, "password": PASSWORD})
    scenarios = [
        ("no filters (visitor)", visitor, "/pasar"),
        ("no filters (manager)", manager, "/pasar"),
        ("commodity + regency", manager, f"/pasar?commodity=garam_krosok&regency={regency}"),
        (
            "price range + grade",
            manager,
            "/pasar?commodity=beras&grade=Medium+1&price_min=12500&price_max=14000",
        ),
        ("distance sort", manager, "/pasar?sort=distance"),
        ("distance <= 50 km, sorted", manager, "/pasar?sort=distance&km=50"),
        ("page 40, price sort", visitor, "/pasar?sort=price_asc&page=40"),
    ]
    print(f"{'scenario':30} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'rows':>5}")
    for name, client, url in scenarios:
        median, p95, queries, rows = measure(app, client, url)
        print(f"{name:30} {median:10.1f} {p95:8.1f} {queries:8d} {rows:5d}")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
