"""Kill -9 the outbox sender while it sends WhatsApp digests; restart it; count what arrived.

The approach of ``tests/digests/test_kill.py`` (its fork server and its readers), with the
local Cloud API instead of the SMTP server: the Cloud API has no idempotency key, so a kill
between the API's answer and the sender's mark sends that one message again on restart. At
most one duplicate per sender thread per kill; nobody may miss their digest.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from sqlalchemy import select

from exchange import clock
from exchange.auth.models import User
from exchange.digests.services import run_digests
from exchange.extensions import db
from exchange.mail.models import OutboxChannel, OutboxMessage
from exchange.whatsapp import sandbox
from exchange.whatsapp.models import WhatsAppContact
from tests.digests.test_kill import (
    CLAIM_SECONDS,
    KILLS,
    NOW,
    READERS,
    ROOT,
    SENDERS,
    alive,
    bulk_readers,
    pending,
)


def confirmed_readers() -> None:
    """Every reader has a confirmed number and chose WhatsApp for the digest (rows written
    directly: confirming 60 numbers through the page is tests/whatsapp/test_account.py's job)."""
    for user in db.session.scalars(select(User).order_by(User.id)):
        db.session.add(
            WhatsAppContact(
                user_id=user.id,
                phone=f"+628123{user.id:07d}",
                confirmed_phone=f"+628123{user.id:07d}",
                confirmed_at=NOW,
                preferences={"digest": "whatsapp"},
            )
        )
    db.session.commit()


@pytest.mark.slow
@pytest.mark.deep
def test_killing_the_sender_resends_at_most_the_message_in_flight(app, database_url):
    rng = random.Random(20270105)
    box = sandbox.Sandbox()
    server = sandbox.serve(box)
    base = f"http://127.0.0.1:{server.server_address[1]}/v21.0"
    app.config.update(
        WHATSAPP_API_BASE=base,
        WHATSAPP_PHONE_NUMBER_ID=box.phone_number_id,
        WHATSAPP_TOKEN=box.token,
    )
    with app.app_context():
        bulk_readers(READERS)
        confirmed_readers()
        assert run_digests("daily", now=NOW)["queued"] == READERS
        rows = db.session.scalars(select(OutboxMessage)).all()
        assert {r.channel for r in rows} == {OutboxChannel.WHATSAPP}  # WhatsApp only
        expected = {r.to_address.removeprefix("+") for r in rows}
        db.session.remove()
    env = {
        **os.environ,
        "EXCHANGE_ENV": "testing",
        "EXCHANGE_DATABASE_URL": database_url,
        "EXCHANGE_WHATSAPP_API_BASE": base,
        "EXCHANGE_WHATSAPP_PHONE_NUMBER_ID": f'"{box.phone_number_id}"',
        "EXCHANGE_WHATSAPP_TOKEN": box.token,
        "EXCHANGE_OUTBOX_CLAIM_SECONDS": str(CLAIM_SECONDS),
        "EXCHANGE_OUTBOX_SENDERS": str(SENDERS),
        "EXCHANGE_TEST_CLOCK_AT": clock.utcnow().isoformat(),
    }
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
                target = box.count() + rng.randint(1, 8)
                deadline = time.monotonic() + 30
                while box.count() < target and time.monotonic() < deadline and alive(pid):
                    time.sleep(0.0005)
                time.sleep(rng.choice([0, 0, rng.uniform(0, 0.01), rng.uniform(0, 0.05)]))
                try:
                    os.kill(pid, signal.SIGKILL)
                    kills += 1
                except ProcessLookupError:
                    pass
            line = forker.stdout.readline()
            assert line.startswith(f"exit {pid}"), line
            now_left = pending(app)
            if now_left == left:
                time.sleep(CLAIM_SECONDS)  # only messages claimed by killed senders are left
            left = now_left
    finally:
        forker.stdin.close()
        forker.wait(timeout=30)
        server.shutdown()
        server.server_close()

    received = Counter(m.to for m in box.accepted)
    assert {m.template for m in box.accepted} == {"bursa_digest"}
    missing = expected - set(received)
    extra = sum(n - 1 for n in received.values())
    print(
        f"\n{READERS} WhatsApp digests, {kills} kills over {runs} sender runs: "
        f"{len(box.accepted)} template requests accepted, {len(missing)} missing, "
        f"{extra} duplicates; {len(box.refused)} refused."
    )
    assert not box.refused
    assert not missing
    assert extra <= kills * SENDERS  # at most the message in flight of each sender thread
    assert set(received) == expected
