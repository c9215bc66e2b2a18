"""A PostgreSQL cluster of its own, gunicorn workers in front of it, and load: freeze the
cluster (SIGSTOP), stop it, bring it back, and record every answer (issue 23).

Used by ``test_faults_under_gunicorn.py`` (short phases) and ``benchmarks/bench_faults.py``
(``make bench-faults``: longer phases, the timings printed). The cluster is made with
``initdb`` from the newest ``/usr/lib/postgresql/*/bin`` (run as the ``postgres`` user when we
are root, as CI is), on a free port, with its socket and data in a temporary directory.
"""

from __future__ import annotations

import contextlib
import glob
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE_MARK = 'id="layanan-tidak-tersedia"'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_bin() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Cluster:
    """A throwaway PostgreSQL cluster: ``start``, ``freeze``, ``thaw``, ``stop``, ``destroy``."""

    def __init__(self):
        self.bin = postgres_bin()
        if self.bin is None:
            raise RuntimeError("no initdb: install PostgreSQL's server package")
        self.root = Path(tempfile.mkdtemp(prefix="exchange-faults-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
            "--locale=C", "--no-sync",
        )  # fmt: skip

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.as_postgres, str(self.bin / tool), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=self.root,
        )

    def start(self) -> None:
        settings = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.root / "log"),
            "-w",
            "-o",
            settings,
            "start",
        )

    def stop(self) -> None:
        """A fast shutdown: the server ends every session and closes."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def pids(self) -> list[int]:
        """The postmaster and every process it started."""
        head = int((self.data / "postmaster.pid").read_text().split()[0])
        found = [head]
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == head:
                found.append(int(stat.split("/")[2]))
        return found

    def _signal(self, sig) -> None:
        for pid in self.pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)

    def freeze(self) -> None:
        self._signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self._signal(signal.SIGCONT)

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.thaw()
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def prepare_database(url: str) -> dict:
    """The schema, the reference data, a manager with a listing. Returns the manager's e-mail
    and password and the listing's id."""
    code = f"""
import json
from exchange import create_app
from exchange.extensions import db
from exchange.catalogue.reference import load_reference_data
from tests.factories import make_listing, make_manager, TEST_PASSWORD
app = create_app("testing", DATABASE_URL={url!r})
with app.app_context():
    db.create_all()
    load_reference_data()
    manager = make_manager()
    listing = make_listing(manager.pesantren)
    print(json.dumps({{"email": manager.email, "password": TEST_PASSWORD, "listing": listing.id}}))
"""
    import json

    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


class Gunicorn:
    def __init__(self, database_url: str, workers: int = 3, log: Path | None = None):
        self.port = free_port()
        self.own_log = log is None  # a temporary file: removed by stop()
        self.log_path = log or Path(tempfile.mkstemp(prefix="exchange-faults-", suffix=".log")[1])
        env = {
            **os.environ,
            "EXCHANGE_ENV": "production",
            "EXCHANGE_SECRET_KEY": "faults-test-not-secret",
            "EXCHANGE_DATABASE_URL": database_url,
            "EXCHANGE_SESSION_COOKIE_SECURE": "false",  # plain http on the loopback
            "EXCHANGE_REMEMBER_COOKIE_SECURE": "false",
            "EXCHANGE_WTF_CSRF_ENABLED": "false",
        }
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "30",
                "--graceful-timeout",
                "3",
                "--error-logfile",
                "-",
                "wsgi:app",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if get(self.port, "/healthz", timeout=2)[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start: " + self.log_path.read_text()[-2000:])

    def stop(self) -> str:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()
        text = self.log_path.read_text()
        if self.own_log:
            self.log_path.unlink(missing_ok=True)
        return text


def get(port: int, path: str, headers=None, timeout: float = 60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), body
    finally:
        conn.close()


def sign_in(port: int, email: str, password: str) -> str:
    """The session cookie of a signed-in manager."""
    from urllib.parse import urlencode

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = urlencode({"email": email, "password": password})
    conn.request("POST", "/akun/masuk", body, {"Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    cookie = response.getheader("Set-Cookie") or ""
    conn.close()
    assert response.status == 302, response.status
    return cookie.split(";", 1)[0]


@dataclass
class Answer:
    started: float
    took: float
    path: str
    status: int  # 0: no answer (connection reset, timeout)
    reason: str | None  # X-Unavailable
    ours: bool  # the app's own 503 (page, problem+json or health JSON)

    @property
    def served(self) -> bool:
        """Answered as with a healthy database (the API's bogus token: 401)."""
        return self.status == 200 or (self.status == 401 and self.path.startswith("/api/"))


@dataclass
class Load:
    """Client threads asking a mix of pages until stopped."""

    port: int
    cookie: str
    listing: int
    threads: int = 6
    answers: list[Answer] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def requests(self):
        signed = {"Cookie": self.cookie}
        return [
            ("/", {}),
            ("/pasar", {}),
            (f"/pasar/{self.listing}", {}),
            ("/dasbor", signed),
            ("/kesepakatan/", signed),
            ("/pasar", {**signed, "Cookie": self.cookie + "; lang=en"}),
            ("/api/v1/listings", {"Authorization": "Bearer tidak-ada", "Accept-Language": "en"}),
            ("/healthz", {}),
        ]

    def _client(self, n: int):
        mix = self.requests()
        i = n
        while not self._stop.is_set():
            path, headers = mix[i % len(mix)]
            i += 1
            started = time.monotonic()
            try:
                status, got, body = get(self.port, path, headers)
            except OSError:
                status, got, body = 0, {}, b""
            took = time.monotonic() - started
            ours = status == 503 and (
                PAGE_MARK.encode() in body
                or got.get("Content-Type", "").startswith("application/problem+json")
                or b'"reason"' in body
            )
            self.answers.append(Answer(started, took, path, status, got.get("X-Unavailable"), ours))

    def __enter__(self):
        self._threads = [
            threading.Thread(target=self._client, args=(n,), daemon=True)
            for n in range(self.threads)
        ]
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=60)

    def between(self, start: float, end: float) -> list[Answer]:
        return [a for a in self.answers if start <= a.started and a.started + a.took <= end]


def log_counts(log: str) -> dict:
    return {
        "worker timeouts": len(re.findall(r"WORKER TIMEOUT", log)),
        "tracebacks": log.count("Traceback"),
        "incidents opened": log.count("database unavailable ("),
        "incidents closed": log.count("database answers again"),
    }


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(int(share * len(ordered)), len(ordered) - 1)]


@dataclass
class Phase:
    name: str
    start: float
    end: float
    answers: list[Answer]

    def unavailable(self) -> list[Answer]:
        return [a for a in self.answers if a.status == 503]


def run_scenario(healthy=2.0, frozen=6.0, stopped=5.0, recover=4.0, threads=6) -> dict:
    """Healthy, frozen (SIGSTOP), thawed, stopping and stopped (``pg_ctl stop -m fast``),
    starting and started again; under load all the while. Returns the phases (each from its
    mark to the next), every answer, the gunicorn log and its counts."""
    cluster = Cluster()
    server = None
    try:
        cluster.start()
        who = prepare_database(cluster.url)
        server = Gunicorn(cluster.url)
        cookie = sign_in(server.port, who["email"], who["password"])
        marks = {}
        with Load(server.port, cookie, who["listing"], threads=threads) as load:
            marks["healthy"] = time.monotonic()
            time.sleep(healthy)
            cluster.freeze()
            marks["frozen"] = time.monotonic()
            time.sleep(frozen)
            cluster.thaw()
            marks["thawed"] = time.monotonic()
            time.sleep(recover)
            marks["stopping"] = time.monotonic()
            cluster.stop()
            marks["stopped"] = time.monotonic()
            time.sleep(stopped)
            marks["starting"] = time.monotonic()
            cluster.start()
            marks["started"] = time.monotonic()
            time.sleep(recover)
            marks["end"] = time.monotonic()
        log = server.stop()
        server = None
        names = list(marks)
        phases = {
            name: Phase(name, marks[name], marks[after], load.between(marks[name], marks[after]))
            for name, after in zip(names, names[1:], strict=False)
        }
        return {"phases": phases, "answers": load.answers, "log": log, "counts": log_counts(log)}
    finally:
        if server is not None:
            server.stop()
        cluster.destroy()
