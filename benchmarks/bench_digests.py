"""Time a daily digest run for 10,000 managers: database -> build -> outbox -> local SMTP server.

    make bench-digests            (or: python benchmarks/bench_digests.py --url postgresql+psycopg://...)

Uses a PostgreSQL database of its own (dropped and created again), bulk-inserted data, and an
aiosmtpd server in a child process. Prints the figures; docs/digests.md keeps the last ones.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import socket
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

from exchange import create_app  # noqa: E402
from exchange.auth.models import User  # noqa: E402
from exchange.catalogue.models import Commodity  # noqa: E402
from exchange.catalogue.reference import load_reference_data  # noqa: E402
from exchange.clock import WIB  # noqa: E402
from exchange.digests.services import run_digests  # noqa: E402
from exchange.extensions import db  # noqa: E402
from exchange.listings.models import Listing  # noqa: E402
from exchange.mail.outbox import deliver_pending  # noqa: E402
from exchange.pesantren.models import Pesantren, Regency  # noqa: E402
from tests.pgcheck import recreate_database  # noqa: E402

NOW = datetime(2027, 1, 3, 23, 0, tzinfo=UTC)  # Monday 4 Jan 2027, 06:00 WIB
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_digests"


class Counter:
    def __init__(self, value):
        self.value = value

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        with self.value.get_lock():
            self.value.value += 1
        return "250 OK"


def smtp_server(port: int, value, ready) -> None:
    """A local SMTP server in a process of its own (not sharing the senders' interpreter)."""
    server = Controller(Counter(value), hostname="127.0.0.1", port=port)
    server.start()
    ready.set()
    try:
        while True:
            time.sleep(3600)
    finally:
        server.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def populate(managers: int, rng: random.Random) -> None:
    """One pesantren and manager each; two listings each, one of them ending within a week."""
    today = NOW.astimezone(WIB).date()
    regencies = list(db.session.scalars(select(Regency)))
    commodities = list(db.session.scalars(select(Commodity)))
    pesantren, users, listings = [], [], []
    for i in range(1, managers + 1):
        r = regencies[i % len(regencies)]
        pesantren.append(
            {
                "id": i,
                "name": f"PP Bench {i}",
                "nspp": f"5{i:011d}",
                "kopontren_name": f"Kopontren {i}",
                "regency_code": r.code,
                "lat": r.lat,
                "lon": r.lon,
                "phone": "+6281234567890",
                "status": "verified",
                "created_at": NOW - timedelta(days=60),
            }
        )
        users.append(
            {
                "email": f"manager{i}@bench.id",
                "name": f"Manager {i}",
                "password_hash": "x",
                "role": "manager",
                "pesantren_id": i,
                "locale": "en" if i % 5 == 0 else "id",
                "digest_frequency": "daily",
                "created_at": NOW - timedelta(days=60),
            }
        )
        for k in range(2):
            c = commodities[rng.randrange(len(commodities))]
            start = today - timedelta(days=rng.randint(1, 20))
            end = today + timedelta(days=rng.randint(1, 6) if k == 0 else rng.randint(10, 60))
            listings.append(
                {
                    "side": "offer" if rng.random() < 0.5 else "request",
                    "pesantren_id": i,
                    "commodity_id": c.id,
                    "grade": 1,
                    "quantity": 1000,
                    "remaining": 1000,
                    "price": int(c.reference_price * rng.uniform(0.85, 1.15)),
                    "window_start": start,
                    "window_end": end,
                    "lat": r.lat,
                    "lon": r.lon,
                    "akad": ["tunai"],
                    "note": "",
                    "status": "active",
                    "version": 1,
                    "created_at": NOW - timedelta(hours=rng.uniform(1, 60)),
                }
            )
    db.session.execute(insert(Pesantren), pesantren)
    db.session.execute(insert(User), users)
    db.session.execute(insert(Listing), listings)
    db.session.commit()
    # fresh statistics, as autovacuum keeps them in production (else the planner guesses 3 rows)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=DEFAULT_URL, help="a PostgreSQL database to recreate")
    parser.add_argument("--managers", type=int, default=10_000)
    args = parser.parse_args()

    recreate_database(args.url)
    port = free_port()
    received, ready = multiprocessing.Value("i", 0), multiprocessing.Event()
    server = multiprocessing.Process(target=smtp_server, args=(port, received, ready), daemon=True)
    server.start()
    ready.wait(30)
    app = create_app(
        "testing",
        DATABASE_URL=args.url,
        MAIL_BACKEND="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
    )
    try:
        with app.app_context():
            db.create_all()
            load_reference_data()
            t = time.perf_counter()
            populate(args.managers, random.Random(2027))
            print(f"data: {args.managers} managers inserted in {time.perf_counter() - t:.1f} s")

            t0, c0 = time.perf_counter(), time.process_time()
            counts = run_digests("daily", now=NOW)
            t1, c1 = time.perf_counter(), time.process_time()
            delivery = deliver_pending(now=NOW + timedelta(days=1))
            t2, c2 = time.perf_counter(), time.process_time()
            rerun = run_digests("daily", now=NOW)
            t3 = time.perf_counter()
            db.session.remove()
            db.engine.dispose()
    finally:
        server.terminate()
    total = t2 - t0
    print(f"build + render + queue: {t1 - t0:6.1f} s  (CPU {c1 - c0:.1f} s)  {counts}")
    print(
        f"deliver over SMTP:      {t2 - t1:6.1f} s  (CPU {c2 - c1:.1f} s)  {delivery}, "
        f"server received {received.value}"
    )
    print(f"total:                  {total:6.1f} s  ({received.value / total:.0f} digests/s)")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other jobs slow it)")
    print(f"rerun (nothing to do):  {t3 - t2:6.1f} s  {rerun}")
    aim = 60 * args.managers / 10_000
    print(
        f"aim: under {aim:.0f} s for {args.managers} managers:", "OK" if total < aim else "MISSED"
    )


if __name__ == "__main__":
    main()
