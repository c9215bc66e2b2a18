"""``flask exchange send-digests`` run from the real command line links to EXCHANGE_BASE_URL."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from exchange.extensions import db
from exchange.mail.models import OutboxMessage
from tests.factories import make_listing, make_manager

pytestmark = pytest.mark.slow  # the command line in a subprocess

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://bursa.example.id"


def test_send_digests_from_the_command_line_links_to_the_configured_base_url(
    app, database_url, tmp_path
):
    """No request exists on the command line: every link in the queued digest starts with
    EXCHANGE_BASE_URL, none with the default address."""
    with app.app_context():
        user = make_manager()
        make_listing(user.pesantren, start=date(2027, 1, 1), days=5)
        email = user.email
    env = {
        **os.environ,
        "EXCHANGE_ENV": "testing",
        "EXCHANGE_DATABASE_URL": database_url,
        "EXCHANGE_BASE_URL": BASE + "/",
        "EXCHANGE_MAIL_FILE_DIR": str(tmp_path),
    }
    command = ["flask", "--app", "wsgi", "exchange", "send-digests", "--period", "daily"]
    proc = subprocess.run(
        [sys.executable, "-m", *command, "--now", "2027-01-04T06:00+07:00"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "queued=1" in proc.stdout, proc.stdout
    with app.app_context():
        message = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == email)
        ).one()
        body = message.text_body + (message.html_body or "")
    links = {u.rstrip(".,)") for u in re.findall(r"https?://[^\s\"'<>]+", body)}
    own = [u for u in links if not u.startswith("https://wa.me/")]
    assert len(own) > 2, links
    assert all(u.startswith(BASE + "/") for u in own), sorted(links)
