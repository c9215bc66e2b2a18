"""A signed-in manager's pages in-process: CPU per request and queries per page.

    make bench-pages     (BENCH_PAGES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_web,
                          BENCH_PAGES_N=200 requests per page,
                          BENCH_PAGES_ONLY=dasbor,kesepakatan to measure only some pages,
                          BENCH_PAGES_PROFILE=/dasbor to print a pyinstrument profile of that page,
                          BENCH_PAGES_PREPARE=1 to (re)build the database as bench-web does)

Reads the database ``make bench-web`` leaves behind (demo data + 50,000 listings and a clearing
run); ``BENCH_PAGES_PREPARE=1`` builds it first. The app runs with the production settings in
this process; the Flask test client signs in once as the demo manager through the login form
(CSRF and all) and asks each page N times. Prints per page the median and p90 CPU time of this
process per request (``time.process_time``: the app, the test client and the driver, no
network), the database backend's CPU per request (its /proc stat delta), the queries per request
and the page's bytes, beside the load average. The profile needs ``pip install pyinstrument``
(not a requirement of the app).
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, text  # noqa: E402

URL = os.environ.get("BENCH_PAGES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_web")
N = int(os.environ.get("BENCH_PAGES_N", 200))
ONLY = [p.strip() for p in os.environ.get("BENCH_PAGES_ONLY", "").split(",") if p.strip()]
PROFILE = os.environ.get("BENCH_PAGES_PROFILE", "")
PAGES = ("/healthz", "/dasbor", "/kesepakatan/", "/mitra", "/pasar", "/kesepakatan/notifikasi")
MANAGER, PASSWORD = "pengelola01@demo.bursa-pesantren.id", "demo-pesantren-2027"
TICK = os.sysconf("SC_CLK_TCK")


def prepare() -> None:
    import bench_web

    bench_web.URL = URL
    bench_web.recreate_database(URL)
    bench_web.prepare(URL, bench_web.environment(URL))


def sign_in(client) -> None:
    page = client.get("/akun/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = client.post(
        "/akun/masuk",
        data={"csrf_token": token, "email": MANAGER, "password": PASSWORD},
        headers={"Referer": "https://127.0.0.1/akun/masuk"},  # CSRF's check over https
    )
    if answer.status_code != 302:
        raise SystemExit(f"could not sign in as {MANAGER} ({answer.status_code})")


def backend_ticks(app) -> int:
    """CPU ticks of the database backend behind the pool's connection (one thread, one)."""
    from exchange.extensions import db

    with app.app_context():
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.remove()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # the database runs elsewhere
        return 0
    return int(fields[11]) + int(fields[12])


def measure(app, client, path: str) -> dict:
    from exchange.extensions import db

    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    for _ in range(10):  # warm: templates compiled, pool filled
        page = client.get(path)
    if page.status_code != 200:
        raise SystemExit(f"{path} answers {page.status_code}")
    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    cpu = []
    db0 = backend_ticks(app)
    for _ in range(N):
        t = time.process_time()
        client.get(path)
        cpu.append(time.process_time() - t)
    db1 = backend_ticks(app)
    cpu.sort()
    return {
        "median": statistics.median(cpu) * 1000,
        "p90": cpu[int(len(cpu) * 0.9)] * 1000,
        "db": (db1 - db0) / TICK * 1000 / N,
        "queries": len(statements),
        "bytes": len(page.get_data()),
    }


def profile(client, path: str) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(50):
        client.get(path)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def _https(open_):
    def over_https(*args, **kwargs):
        kwargs.setdefault("base_url", "https://127.0.0.1")
        return open_(*args, **kwargs)

    return over_https


def main() -> None:
    if os.environ.get("BENCH_PAGES_PREPARE"):
        prepare()
    from exchange import create_app

    app = create_app("production", DATABASE_URL=URL, SECRET_KEY="bench-pages-not-secret")
    client = app.test_client()
    # The production settings mark the session cookie secure: ask over https.
    client.environ_base["HTTP_HOST"] = "127.0.0.1"
    client.open = _https(client.open)
    sign_in(client)
    if PROFILE:
        for _ in range(10):
            client.get(PROFILE)
        profile(client, PROFILE)
        return
    pages = [p for p in PAGES if not ONLY or p == "/healthz" or any(o in p for o in ONLY)]
    results = {path: measure(app, client, path) for path in pages}
    load = os.getloadavg()
    print(
        f"\nin-process, production settings, {N} requests per page, signed in as {MANAGER}, "
        f"load average {load[0]:.1f} {load[1]:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"{'page':26} {'median ms':>9} {'p90 ms':>7} {'db ms':>6} {'queries':>7} {'bytes':>7}")
    for path, r in results.items():
        print(
            f"{path:26} {r['median']:9.2f} {r['p90']:7.2f} {r['db']:6.2f} {r['queries']:7d} "
            f"{r['bytes']:7d}"
        )
    print("ms: CPU time of this process per request (app + test client); db: the backend's")


if __name__ == "__main__":
    main()
