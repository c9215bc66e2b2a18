"""Webhooks: each event of a pesantren is delivered to its endpoint through the outbox, signed,
retried while the receiver is down and delivered once it is back (frozen clock), refused to
private addresses."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from exchange import clock
from exchange.events import delivery
from exchange.events.models import DeliveryStatus, WebhookDelivery
from exchange.extensions import db
from tests.api.helpers import bearer, build_world

SECRET = "s3cret-of-the-koperasi"


class Receiver:
    """A real HTTP server on 127.0.0.1: answers 503 while ``down``, else 204; keeps what came."""

    def __init__(self):
        self.down, self.got = True, []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if owner.down:
                    self.send_response(503)
                else:
                    owner.got.append((dict(self.headers), body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/bursa"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver(app):
    app.config["WEBHOOK_ALLOW_LOOPBACK"] = True
    found = Receiver()
    yield found
    found.close()


def test_a_delivery_survives_a_receiver_down_for_a_minute(app, client, receiver):
    with app.app_context():
        world = build_world()
    from exchange.api.tokens import create_token
    from exchange.auth.models import User

    with app.app_context():
        seller = db.session.get(User, world.seller_id)
        token = create_token(seller, "hook", ["read", "deals", "account"])[1]
    put = client.put(
        "/api/v1/webhook",
        json={"url": receiver.url, "secret": SECRET},
        headers=bearer(token, **{"Idempotency-Key": "w1"}),
    )
    assert put.status_code == 200, put.json
    start = clock.utcnow().replace(microsecond=0)
    with clock.frozen(start):
        accepted = client.post(
            f"/api/v1/deals/{world.deal_id}/accept",
            json={"seen_version": 1},
            headers=bearer(token, **{"Idempotency-Key": "a1"}),
        )
        assert accepted.status_code == 200, accepted.json
        with app.app_context():
            first = delivery.deliver_due()
        assert first["failed"] >= 1 and first["delivered"] == 0  # 503: kept for a retry
    with clock.frozen(start + timedelta(seconds=30)), app.app_context():
        assert delivery.deliver_due() == {"delivered": 0, "failed": 0, "given_up": 0}  # not yet
    receiver.down = False
    with clock.frozen(start + timedelta(seconds=61)), app.app_context():
        again = delivery.deliver_due()
        assert again["delivered"] == first["failed"] and again["failed"] == 0
        rows = db.session.scalars(select(WebhookDelivery)).all()
        assert {r.status for r in rows} == {DeliveryStatus.DELIVERED}
        assert all(r.attempts == 2 for r in rows)
    events = [json.loads(body) for _headers, body in receiver.got]
    assert {"kind": "deal", "object_id": world.deal_id, "state": "signed"}.items() <= next(
        e for e in events if e["kind"] == "deal"
    ).items()
    headers, body = receiver.got[0]
    stamp, _comma, mac = headers["Bursa-Signature"].partition(",")
    timestamp = stamp.removeprefix("t=")
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    assert mac == f"v1={expected.hexdigest()}"
    assert int(timestamp) == int((start + timedelta(seconds=61)).timestamp())
    log = client.get("/api/v1/webhook/deliveries", headers=bearer(token)).json["items"]
    assert log and all(d["status"] == "delivered" and d["last_status"] == 204 for d in log)


def test_a_delivery_is_given_up_after_a_day(app, client, receiver):
    with app.app_context():
        world = build_world()
        from exchange.auth.models import User

        delivery.set_endpoint(db.session.get(User, world.seller_id), receiver.url, SECRET)
    start = clock.utcnow().replace(microsecond=0)
    from exchange.api.tokens import create_token

    with app.app_context():
        from exchange.auth.models import User

        token = create_token(db.session.get(User, world.seller_id), "t", ["read", "deals"])[1]
    with clock.frozen(start):
        client.post(
            f"/api/v1/deals/{world.deal_id}/accept",
            json={"seen_version": 1},
            headers=bearer(token, **{"Idempotency-Key": "a1"}),
        )
    with clock.frozen(start + timedelta(hours=25)), app.app_context():
        done = delivery.deliver_due()
        assert done["given_up"] >= 1 and done["delivered"] == 0
        assert delivery.deliver_due()["given_up"] == 0  # given up once, never sent again


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/x", "https://10.1.2.3/x", "https://169.254.169.254/x"]
)
def test_private_loopback_and_link_local_receivers_are_refused(app, url):
    app.config["WEBHOOK_ALLOW_LOOPBACK"] = False
    with app.app_context():
        endpoint = delivery.WebhookEndpoint(url=url, secret=SECRET)
        with pytest.raises(delivery.Refused):
            delivery._post(endpoint, b"{}", clock.utcnow())


def test_the_account_page_shows_the_delivery_log(app, client, auth, receiver):
    from exchange.auth.models import User

    with app.app_context():
        world = build_world()
        seller = db.session.get(User, world.seller_id)
        delivery.set_endpoint(seller, receiver.url, SECRET)
        email = seller.email
    client.post(
        f"/api/v1/deals/{world.deal_id}/accept",
        json={"seen_version": 1},
        headers=bearer(world.seller_token, **{"Idempotency-Key": "a1"}),
    )
    with app.app_context():
        delivery.deliver_due()  # the receiver is down: 503
    auth.login(email)
    page = client.get("/akun/").get_data(as_text=True)
    assert receiver.url in page and "503" in page
    assert f"Kesepakatan #{world.deal_id} <code>signed</code>" in page


def test_delete_removes_the_endpoint_and_its_deliveries(app, client):
    """With a delivery on record: on PostgreSQL its foreign key made the removal a 500 (found
    by the stateful run); SQLite in the app does not enforce it."""
    from exchange.api.tokens import create_token
    from exchange.auth.models import User
    from exchange.events.models import WebhookDelivery, WebhookEndpoint

    with app.app_context():
        world = build_world()
        seller = db.session.get(User, world.seller_id)
        token = create_token(seller, "hook", ["read", "deals", "account"])[1]
        reader = create_token(seller, "baca", ["read"])[1]
    app.config["WEBHOOK_ALLOW_LOOPBACK"] = True
    put = client.put(
        "/api/v1/webhook",
        json={"url": "https://koperasi.example/hooks", "secret": SECRET},
        headers=bearer(token, **{"Idempotency-Key": "w1"}),
    )
    assert put.status_code == 200, put.json
    accepted = client.post(
        f"/api/v1/deals/{world.deal_id}/accept",
        json={"seen_version": 1},
        headers=bearer(token, **{"Idempotency-Key": "a1"}),
    )
    assert accepted.status_code == 200, accepted.json
    with app.app_context():  # the deal's event, waiting for its delivery
        assert db.session.scalar(select(WebhookDelivery.status)) == "pending"
    refused = client.delete("/api/v1/webhook", headers=bearer(reader, **{"Idempotency-Key": "d0"}))
    assert refused.status_code == 403
    gone = client.delete("/api/v1/webhook", headers=bearer(token, **{"Idempotency-Key": "d1"}))
    assert gone.status_code == 204 and gone.data == b""
    again = client.delete("/api/v1/webhook", headers=bearer(token, **{"Idempotency-Key": "d1"}))
    assert again.status_code == 204  # the same key: the first answer, replayed
    assert client.get("/api/v1/webhook", headers=bearer(token)).status_code == 404
    none = client.delete("/api/v1/webhook", headers=bearer(token, **{"Idempotency-Key": "d2"}))
    assert none.status_code == 404
    assert none.headers["Content-Type"].startswith("application/problem+json")
    with app.app_context():
        assert db.session.scalar(select(WebhookEndpoint)) is None
        assert db.session.scalar(select(WebhookDelivery)) is None
