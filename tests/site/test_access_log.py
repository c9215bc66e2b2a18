"""No reset or unsubscribe token reaches gunicorn's access log."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from exchange import create_app
from exchange.extensions import db
from exchange.site.accesslog import scrub
from tests.mail.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_scrub_replaces_tokens_in_paths_query_and_referer():
    assert scrub("GET /akun/atur-ulang/abcDEF-123_x HTTP/1.1") == (
        "GET /akun/atur-ulang/[token] HTTP/1.1"
    )
    assert scrub("/ringkasan/berhenti/eyJ.sig?x=1") == "/ringkasan/berhenti/[token]?x=1"
    assert scrub("next=/&token=s3cret") == "next=/&token=[token]"
    assert scrub("/pasar?page=2") == "/pasar?page=2"


@pytest.mark.slow  # a subprocess
def test_gunicorn_access_log_holds_no_reset_token(tmp_path):
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    app = create_app("testing", DATABASE_URL=url)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    port = free_port()
    env = dict(
        os.environ,
        EXCHANGE_ENV="testing",
        EXCHANGE_DATABASE_URL=url,
        EXCHANGE_SECRET_KEY="x" * 32,
    )
    log = tmp_path / "access.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}"]
        + ["--access-logfile", str(log), "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    secret = "SECRET-reset-token-0123456789abcdef"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        try:
            urllib.request.urlopen(  # noqa: S310 - a local URL
                f"http://127.0.0.1:{port}/akun/atur-ulang/{secret}", timeout=5
            )
        except urllib.error.HTTPError as answer:
            assert answer.code == 404  # an unknown token: the friendly page
    finally:
        server.terminate()
        server.wait(timeout=10)
    text = log.read_text()
    assert "/akun/atur-ulang/[token]" in text
    assert secret not in text
