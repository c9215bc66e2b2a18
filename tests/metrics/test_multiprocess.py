"""prometheus_client's multiprocess mode, as under gunicorn: one worker process answers
requests and exits, another answers some too and then the scrape, which counts both (the mode
is chosen at import, so each is a fresh interpreter with PROMETHEUS_MULTIPROC_DIR set)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKER = """
import sys
from exchange import create_app
from exchange.extensions import db
app = create_app("testing", DATABASE_URL=sys.argv[1], METRICS_TOKEN="t0ken-for-the-test")
with app.app_context():
    db.create_all()
client = app.test_client()
for _ in range(int(sys.argv[2])):
    assert client.get("/healthz").status_code == 200
if sys.argv[3:] == ["scrape"]:
    r = client.get("/metrics", headers={"Authorization": "Bearer t0ken-for-the-test"})
    print(r.status_code)
    print(r.get_data(as_text=True))
"""


def _run(env, url, *args) -> str:
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", WORKER, url, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.slow
def test_the_scrape_adds_up_every_worker(tmp_path):
    folder = tmp_path / "prom"
    folder.mkdir()
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(folder), PYTHONPATH=str(ROOT))
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    _run(env, url, "2")
    out = _run(env, url, "3", "scrape")
    assert out.startswith("200")
    series = 'exchange_http_request_duration_seconds_count{endpoint="site.healthz",'
    assert series + 'method="GET",status="2xx"} 5.0' in out
