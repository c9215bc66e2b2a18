"""A PostgreSQL database of its own filled with random verified pesantren and active listings,
for the suggestion and clearing benchmarks (bulk inserts, seeded: the same data every time)."""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, text  # noqa: E402

from exchange import create_app  # noqa: E402
from exchange.clock import today_wib  # noqa: E402
from exchange.extensions import db  # noqa: E402
from tests.pgcheck import ensure_database  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_matching_app"


def bench_app(url: str):
    ensure_database(url)
    return create_app("testing", DATABASE_URL=url, WTF_CSRF_ENABLED=False)


AKAD = ("tunai", "tempo", "salam", "istisna", "murabahah")


def fill(app, n_listings: int, n_pesantren: int, seed: int = 1, today: date | None = None) -> None:
    """Empty the database and fill it: `n_pesantren` verified pesantren spread over the 38
    regencies, `n_listings` active offers and requests over every commodity. Format 2: each
    listing accepts one to three akad, 15% sit in a place of their own (another regency) and
    20% have a minimum quantity per deal."""
    from exchange.catalogue.models import Commodity
    from exchange.catalogue.reference import load_reference_data
    from exchange.listings.models import Listing
    from exchange.pesantren.models import Pesantren, Regency

    rnd = random.Random(seed)
    today = today or today_wib()
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        load_reference_data()
        regencies = list(db.session.execute(select(Regency.code, Regency.lat, Regency.lon)))
        pes = []
        for k in range(n_pesantren):
            code, lat, lon = rnd.choice(regencies)
            pes.append(
                {
                    "name": f"Pondok Pesantren Bench {k + 1}",
                    "nspp": f"5{k:011d}",
                    "kopontren_name": f"Kopontren Bench {k + 1}",
                    "regency_code": code,
                    "lat": lat + rnd.uniform(-0.15, 0.15),
                    "lon": lon + rnd.uniform(-0.15, 0.15),
                    "phone": "+6281234567890",
                    "status": "verified",
                }
            )
        db.session.execute(insert(Pesantren.__table__), pes)
        ids = list(db.session.scalars(select(Pesantren.id)))
        where = {
            p: (la, lo)
            for p, la, lo in db.session.execute(select(Pesantren.id, Pesantren.lat, Pesantren.lon))
        }
        coms = list(
            db.session.execute(select(Commodity.id, Commodity.reference_price, Commodity.grades))
        )
        rows = []
        for _ in range(n_listings):
            cid, ref, grades = rnd.choice(coms)
            side = rnd.choice(("offer", "request"))
            pid = rnd.choice(ids)
            start = today + timedelta(days=rnd.randint(-10, 30))
            factor = rnd.uniform(0.85, 1.05) if side == "offer" else rnd.uniform(0.95, 1.2)
            qty = rnd.randint(50, 2000)
            lat, lon = where[pid]
            if rnd.random() < 0.15:
                _code, lat, lon = rnd.choice(regencies)
            akad = set(rnd.sample(AKAD, rnd.randint(1, 3)))
            rows.append(
                {
                    "side": side,
                    "pesantren_id": pid,
                    "commodity_id": cid,
                    "grade": rnd.randint(1, max(1, len(grades))),
                    "quantity": qty,
                    "remaining": qty,
                    "price": max(1, round(ref * factor)),
                    "window_start": start,
                    "window_end": start + timedelta(days=rnd.randint(14, 60)),
                    "lat": lat,
                    "lon": lon,
                    "min_quantity": rnd.choice((None,) * 4 + (max(1, qty // 5),)),
                    "max_distance_km": (
                        rnd.choice((None, None, 100.0, 200.0)) if side == "request" else None
                    ),
                    "akad": [a for a in AKAD if a in akad],
                    "status": "active",
                }
            )
        for lo in range(0, len(rows), 5000):
            db.session.execute(insert(Listing.__table__), rows[lo : lo + 5000])
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]
