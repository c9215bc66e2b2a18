"""Kill the mail sender at random moments, restart it, and count what each reader received.

Each sender thread marks a message sent as soon as the SMTP server accepted it. A kill between
that acceptance and the mark sends that one message again on restart: at most one duplicate per
sender thread per kill (SENDERS threads, so SENDERS messages in flight). A kill anywhere else
costs nothing. Nobody may miss their digest.

``make test`` runs a few kill points (4 over 60 readers, ``tests/depth.py``);
``make test-kill`` runs the full count (20 kills over 300 readers) on SQLite and PostgreSQL.

A killed sender leaves its claim on the message in flight; the senders here run with a
one-second claim, and the loop waits that long when only such claimed messages are left.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from exchange import clock
from exchange.auth.models import User
from exchange.digests.services import run_digests
from exchange.extensions import db
from exchange.listings.models import Listing
from exchange.mail.models import OutboxMessage, OutboxStatus
from exchange.pesantren.models import Pesantren
from tests.depth import examples
from tests.factories import commodity

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2027, 1, 3, 23, 0, tzinfo=UTC)  # Monday 4 Jan 2027, 06:00 WIB
KILLS = examples(4, 20)
READERS = examples(60, 300)
CLAIM_SECONDS = 1
SENDERS = 2


class Recorder:
    def __init__(self):
        self.keys: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        key = message_from_bytes(envelope.content)["X-Digest-Key"]
        with self.lock:
            self.keys.append(key)
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.keys)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bulk_readers(n: int) -> None:
    """n managers, each with a verified pesantren and a listing that ends in three days."""
    salt = commodity("garam_krosok")
    pesantren = [
        Pesantren(
            name=f"PP Uji {i}",
            nspp=f"51{i:010d}",
            kopontren_name=f"Kopontren {i}",
            regency_code="3529",
            lat=-7.0,
            lon=113.8,
            phone="+6281234567890",
            status="verified",
        )
        for i in range(n)
    ]
    db.session.add_all(pesantren)
    db.session.flush()
    for i, p in enumerate(pesantren):
        db.session.add(
            User(
                email=f"pembaca{i}@contoh.id",
                name=f"Pembaca {i}",
                password_hash="x",
                pesantren_id=p.id,
            )
        )
        db.session.add(
            Listing(
                side="offer",
                pesantren_id=p.id,
                commodity_id=salt.id,
                grade=2,
                quantity=100,
                remaining=100,
                price=1500,
                window_start=date(2027, 1, 1),
                window_end=date(2027, 1, 7),
                lat=p.lat,
                lon=p.lon,
                akad=["tunai"],
                created_at=NOW - timedelta(days=3),
            )
        )
    db.session.commit()


def alive(pid: int) -> bool:
    """The sender child still runs (the fork server reaps it as soon as it ends)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def pending(app) -> int:
    with app.app_context():
        n = db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING)
        )
        db.session.remove()
        return n


@pytest.mark.slow
@pytest.mark.deep
def test_killing_the_sender_loses_no_digest(app, database_url):
    rng = random.Random(20270104)
    with app.app_context():
        bulk_readers(READERS)
        assert run_digests("daily", now=NOW)["queued"] == READERS
        expected = set(db.session.scalars(select(OutboxMessage.dedupe_key)))
        db.session.remove()

    recorder = Recorder()
    port = free_port()
    server = Controller(recorder, hostname="127.0.0.1", port=port)
    server.start()
    env = {
        **os.environ,
        "EXCHANGE_ENV": "testing",
        "EXCHANGE_DATABASE_URL": database_url,
        "EXCHANGE_MAIL_BACKEND": "smtp",
        "EXCHANGE_SMTP_HOST": "127.0.0.1",
        "EXCHANGE_SMTP_PORT": str(port),
        "EXCHANGE_OUTBOX_CLAIM_SECONDS": str(CLAIM_SECONDS),
        "EXCHANGE_OUTBOX_SENDERS": str(SENDERS),
        "EXCHANGE_TEST_CLOCK_AT": clock.utcnow().isoformat(),  # the senders live when we do
    }
    # one process imports the app; each sender run is a fresh child forked from it
    forker = subprocess.Popen(
        [sys.executable, "-m", "tests.digests.sender_fork"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    kills = runs = 0
    left = pending(app)
    try:
        while left:
            runs += 1
            assert runs < 200, "the sender makes no progress"
            forker.stdin.write("run\n")
            forker.stdin.flush()
            pid = int(forker.stdout.readline().split()[1])
            if kills < KILLS:
                # kill a few messages into this run: just after an acceptance (between the
                # SMTP server's 250 and the mark), a little later, or at a random moment
                target = recorder.count() + rng.randint(1, 8)
                deadline = time.monotonic() + 30
                while recorder.count() < target and time.monotonic() < deadline and alive(pid):
                    time.sleep(0.0005)
                time.sleep(rng.choice([0, 0, rng.uniform(0, 0.01), rng.uniform(0, 0.05)]))
                try:
                    os.kill(pid, signal.SIGKILL)
                    kills += 1
                except ProcessLookupError:
                    pass  # the run had already finished
            line = forker.stdout.readline()
            assert line.startswith(f"exit {pid}"), line
            now_left = pending(app)
            if now_left == left:
                time.sleep(CLAIM_SECONDS)  # only messages claimed by killed senders are left
            left = now_left
    finally:
        forker.stdin.close()
        forker.wait(timeout=30)
        server.stop()

    received = Counter(recorder.keys)
    missing = expected - set(received)
    duplicates = {key: n - 1 for key, n in received.items() if n > 1}
    extra = sum(duplicates.values())
    print(
        f"\n{READERS} digests, {kills} kills over {runs} sender runs: "
        f"{len(recorder.keys)} messages received, {len(missing)} missing, {extra} duplicates."
    )
    for key in sorted(duplicates):
        print(
            f"  {key} received {received[key]} times: a kill fell after the SMTP server "
            "accepted it and before the sender marked it sent; the restart sent it again."
        )
    assert not missing
    assert extra <= kills * SENDERS  # at most the message in flight of each sender thread
    assert set(received) == expected
