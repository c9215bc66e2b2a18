"""Pages under load, measured as production runs them.

    make bench-web       (BENCH_WEB_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_web,
                          BENCH_WEB_SECONDS=5 per page,
                          BENCH_WEB_PAGES=pasar,dasbor to measure only pages whose names hold one)

Recreates a PostgreSQL database of its own, migrates it, loads the demo data and a generated
market of 50,000 listings (5,000 more pesantren), starts gunicorn (2 sync workers, production
settings) and a bare Flask + psycopg app that answers one ``SELECT 1`` (gunicorn, 2 sync workers
too), then runs wrk (16 connections) for a few seconds per page on 127.0.0.1 only: visitor pages,
a manager's pages (signed in once; the session cookie is passed to wrk), staff's overview,
``/healthz`` and the bare app. Prints per page: requests/s, the ratio to ``/healthz`` and to the
bare app, p50/p95/p99 latency, app CPU per request (the gunicorn workers' /proc stat deltas),
database CPU per request (the database's postgres backends' /proc deltas; pg_stat_statements
is not loaded here), and the page's bytes. Everything it starts is stopped at the end.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from tests.pgcheck import recreate_database  # noqa: E402

URL = os.environ.get("BENCH_WEB_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_web")
SECONDS = int(os.environ.get("BENCH_WEB_SECONDS", 5))
CONNECTIONS = 16
LISTINGS = int(os.environ.get("BENCH_WEB_LISTINGS", 50_000))
# Comma-separated parts of page names to measure (the bare app and /healthz always run).
ONLY = [p.strip() for p in os.environ.get("BENCH_WEB_PAGES", "").split(",") if p.strip()]
PESANTREN = LISTINGS // 10
PASSWORD = "demo-pesantren-2027"  # the demo accounts' password (README)
MANAGER, STAFF = "pengelola01@demo.bursa-pesantren.id", "staf@bursa-pesantren.id"
TICK = os.sysconf("SC_CLK_TCK")
BIN = Path(sys.executable).parent

LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d\\n", summary.requests,
    summary.duration, summary.bytes, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.status, summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""

BARE_APP = """
import os
import psycopg
from flask import Flask

app = Flask(__name__)
conn = None


@app.route("/")
def one_select():
    global conn
    if conn is None:
        conn = psycopg.connect(os.environ["BARE_DSN"], autocommit=True)
    return str(conn.execute("SELECT 1").fetchone()[0])
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psycopg_dsn(url: str) -> str:
    u = make_url(url)
    return f"host={u.host} port={u.port or 5432} user={u.username} dbname={u.database}" + (
        f" password={u.password}" if u.password else ""
    )


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing Debian's package (apt-get install -y wrk)")
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    return shutil.which("wrk") or sys.exit("wrk could not be installed")


def environment(url: str) -> dict:
    return {
        **os.environ,
        "EXCHANGE_ENV": "production",
        "EXCHANGE_SECRET_KEY": "bench-web-not-secret",
        "EXCHANGE_DATABASE_URL": url,
        "EXCHANGE_BASE_URL": "http://127.0.0.1",
        "EXCHANGE_SCHEDULER_ENABLED": "false",
    }


def prepare(url: str, env: dict) -> int:
    """Migrations, demo data, then the generated market; returns a listing id for its page."""
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    out = subprocess.run(
        [*flask, "exchange", "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    print("demo data:", " ".join(out.stdout.decode().split()))
    from exchange import create_app

    # The clearing run over 50,000 listings outlasts the 30 s statement limit on a busy machine.
    app = create_app("testing", DATABASE_URL=url, DB_STATEMENT_TIMEOUT_MS=600_000)
    with app.app_context():
        return generate_market(random.Random(2027))


def generate_market(rng: random.Random) -> int:
    from exchange.catalogue.models import Commodity
    from exchange.db import utcnow
    from exchange.extensions import db
    from exchange.listings.geo import unit_vector
    from exchange.listings.models import Listing
    from exchange.listings.services import today_wib
    from exchange.pesantren.models import Pesantren, Regency

    regencies = list(db.session.scalars(select(Regency)))
    commodities = list(db.session.scalars(select(Commodity)))
    now = utcnow()
    rows = []
    for i in range(PESANTREN):
        r = rng.choice(regencies)
        rows.append(
            {
                "name": f"Pondok Pesantren Beban {i}",
                "nspp": f"{520000000000 + i}",
                "kopontren_name": f"Kopontren Beban {i}",
                "regency_code": r.code,
                "address": f"Jl. Beban {i}",
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
    places = db.session.execute(
        select(Pesantren.id, Pesantren.lat, Pesantren.lon).where(Pesantren.name.like("%Beban%"))
    ).all()
    today, batch = today_wib(), []
    for i in range(LISTINGS):
        pid, lat, lon = rng.choice(places)
        c = rng.choice(commodities)
        start = today + timedelta(days=rng.randint(-30, 40))
        q = rng.randint(10, 50000)
        x, y, z = unit_vector(lat, lon)
        batch.append(
            {
                "side": rng.choice(("offer", "request")),
                "pesantren_id": pid,
                "commodity_id": c.id,
                "grade": rng.randint(1, len(c.grades)),
                "quantity": q,
                "remaining": q,
                "price": max(1, int(c.reference_price * rng.uniform(0.9, 1.1))),
                "window_start": start,
                "window_end": start + timedelta(days=rng.randint(7, 60)),
                "lat": lat,
                "lon": lon,
                "geo_x": x,
                "geo_y": y,
                "geo_z": z,
                "akad": ["tunai"],
                "note": "",
                "status": "active",
                "version": 1,
                "created_at": now - timedelta(minutes=LISTINGS - i),
            }
        )
        if len(batch) == 5000:
            db.session.execute(insert(Listing), batch)
            batch = []
    if batch:
        db.session.execute(insert(Listing), batch)
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    # The nightly clearing run: the dashboard's partners and the staff reach pages read what
    # it stores, as in production.
    from exchange.matching.services import run_clearing

    run = run_clearing()
    print(
        f"clearing run: {run.listings_count} listings, {run.proposals_count} proposals, "
        f"{run.timings['total_ms'] / 1000:.1f} s"
    )
    listing = db.session.scalar(
        select(Listing.id).where(Listing.status == "active", Listing.window_end >= today)
    )
    db.session.remove()
    db.engine.dispose()
    return listing


def start_gunicorn(app: str, port: int, env: dict, cwd: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", app],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
            break
        except urllib.error.HTTPError:
            break  # it answers
        except OSError:
            time.sleep(0.3)
    while len(workers(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    return proc


def workers(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(c) for c in children]


def cpu_ticks(pids) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def backends(dsn_db: str) -> list[int]:
    """The postgres backends serving the bench database (the app's pooled connections)."""
    import psycopg

    u = make_url(URL)
    with psycopg.connect(
        host=u.host, port=u.port or 5432, user=u.username, dbname="postgres", autocommit=True
    ) as c:
        rows = c.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (dsn_db,),
        ).fetchall()
    return [r[0] for r in rows]


class Session:
    """Sign in once through the login form (CSRF token and all); keep the session cookie."""

    def __init__(self, base: str, email: str):
        self.base, self.cookies = base, {}
        page = self.request("/akun/masuk")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        form = {"csrf_token": token, "email": email, "password": PASSWORD}
        self.request("/akun/masuk", urllib.parse.urlencode(form).encode())
        if "session" not in self.cookies:
            raise SystemExit(f"could not sign in as {email}")

    @property
    def header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, path: str, data: bytes | None = None) -> str:
        req = urllib.request.Request(self.base + path, data=data)  # noqa: S310 - http://127.0.0.1
        if self.cookies:
            req.add_header("Cookie", self.header)

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(req, timeout=30)
        except urllib.error.HTTPError as exc:  # a 302 after the login
            response = exc
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name.strip()] = value.strip()
        return response.read().decode("utf-8", "replace")


def fetch(url: str, cookie: str) -> tuple[int, int]:
    """One GET as wrk will send it: (status, body bytes). No redirects followed."""
    req = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        response = urllib.request.build_opener(NoRedirect).open(req, timeout=60)
    except urllib.error.HTTPError as exc:
        response = exc
    return response.status, len(response.read())


def measure(wrk: str, url: str, cookie: str, app_pids, db_pids, script: str) -> dict:
    status, body = fetch(url, cookie)
    head = ["-H", f"Cookie: {cookie}"] if cookie else []
    warm = [wrk, "-t2", f"-c{CONNECTIONS}", "-d1s", "--timeout", "30s", "-s", script, *head, url]
    subprocess.run(warm, capture_output=True, check=True, timeout=60)
    app0, db0 = cpu_ticks(app_pids), cpu_ticks(db_pids())
    run = [wrk, "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "30s", "-s", script]
    run += [*head, url]
    out = subprocess.run(run, capture_output=True, text=True, check=True, timeout=SECONDS + 60)
    app1, db1 = cpu_ticks(app_pids), cpu_ticks(db_pids())
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT"))
    n, duration, _size, p50, p95, p99, bad, errors = (int(v) for v in line.split()[1:])
    n = max(n, 1)
    return {
        "rps": n / (duration / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "app_ms": (app1 - app0) / TICK * 1000 / n,
        "db_ms": (db1 - db0) / TICK * 1000 / n,
        "bytes": body,
        "status": status,
        "bad": bad + errors,
    }


def main() -> None:
    wrk = ensure_wrk()
    recreate_database(URL)
    env = environment(URL)
    t = time.perf_counter()
    listing_id = prepare(URL, env)
    print(
        f"data: demo + {PESANTREN} pesantren and {LISTINGS} listings "
        f"in {time.perf_counter() - t:.0f} s"
    )
    port, bare_port = free_port(), free_port()
    tmp = Path(tempfile.mkdtemp(prefix="bench_web_"))
    (tmp / "bare_app.py").write_text(BARE_APP)
    (tmp / "report.lua").write_text(LUA)
    bare_env = {**os.environ, "BARE_DSN": psycopg_dsn(URL)}
    app = start_gunicorn("wsgi:app", port, env, ROOT)
    bare = start_gunicorn("bare_app:app", bare_port, bare_env, tmp)
    try:
        base = f"http://127.0.0.1:{port}"
        manager, staff = Session(base, MANAGER), Session(base, STAFF)
        database = make_url(URL).database
        pages = [
            ("bare Flask + SELECT 1", f"http://127.0.0.1:{bare_port}/", "", workers(bare.pid)),
            ("/healthz", f"{base}/healthz", "", None),
            ("visitor /", f"{base}/", "", None),
            ("visitor /pasar", f"{base}/pasar", "", None),
            (f"visitor /pasar/{listing_id}", f"{base}/pasar/{listing_id}", "", None),
            ("manager /pasar", f"{base}/pasar", manager.header, None),
            ("manager /dasbor", f"{base}/dasbor", manager.header, None),
            ("manager /kesepakatan/", f"{base}/kesepakatan/", manager.header, None),
            ("manager /mitra", f"{base}/mitra", manager.header, None),
            ("staff /staf/dasbor", f"{base}/staf/dasbor", staff.header, None),
            ("staff unmet demand", f"{base}/staf/dasbor/permintaan", staff.header, None),
        ]
        if ONLY:
            pages = pages[:2] + [p for p in pages[2:] if any(o in p[0] for o in ONLY)]
        results = {}
        for name, url, cookie, pids in pages:
            results[name] = measure(
                wrk,
                url,
                cookie,
                pids or workers(app.pid),
                lambda: backends(database),
                str(tmp / "report.lua"),
            )
    finally:
        for proc in (app, bare):
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    health, bare_rps = results["/healthz"]["rps"], results["bare Flask + SELECT 1"]["rps"]
    print(
        f"\nwrk {CONNECTIONS} connections, {SECONDS} s per page, gunicorn 2 sync workers, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"{'page':28} {'req/s':>7} {'/healthz':>8} {'/bare':>6} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'app ms':>7} {'db ms':>6} {'bytes':>7}"
    )
    for name, r in results.items():
        flag = f"  ({r['bad']} non-2xx/3xx or errors)" if r["bad"] else ""
        if r["status"] != 200:
            flag += f"  (answers {r['status']}, not 200)"
        print(
            f"{name:28} {r['rps']:7.1f} {r['rps'] / health:8.3f} {r['rps'] / bare_rps:6.3f} "
            f"{r['p50']:7.1f} {r['p95']:7.1f} {r['p99']:7.1f} {r['app_ms']:7.1f} "
            f"{r['db_ms']:6.1f} {r['bytes']:7.0f}{flag}"
        )
    print(
        "app ms / db ms: CPU time per request of the gunicorn workers / the database backends;"
        " bytes: the page's body"
    )


if __name__ == "__main__":
    main()
