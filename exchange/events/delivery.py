"""Webhook deliveries: register an endpoint, send what the outbox holds, signed, retried.

Each event for a pesantren with an endpoint gets a delivery row in the event's own transaction
(events/feed.py). ``deliver_due`` (the scheduler's job, every OUTBOX_INTERVAL_SECONDS) POSTs
the due ones: the body is the event as JSON, signed as Stripe does (``Bursa-Signature:
t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the endpoint's secret>``). A 2xx is
delivered; anything else is retried after 1, 2, 4 ... minutes (at most an hour apart) until
WEBHOOK_RETRY_HOURS (24) after the event, then given up. Receivers must be reachable over
HTTPS on public addresses: the address the host resolves to is checked at each attempt (no
loopback, private, link-local or reserved address; WEBHOOK_ALLOW_LOOPBACK lets tests use
127.0.0.1), redirects are not followed and an attempt times out after WEBHOOK_TIMEOUT seconds.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from exchange.audit.services import record
from exchange.auth.permissions import require_own
from exchange.clock import utcnow
from exchange.errors import Invalid
from exchange.events.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from exchange.extensions import db

HEADER = "Bursa-Signature"
BATCH = 100


def body_of(event) -> bytes:
    return json.dumps(
        {
            "id": event.id,
            "kind": event.kind,
            "object_id": event.object_id,
            "state": event.state,
            "version": event.version,
            "created_at": event.created_at.isoformat(),
        },
        separators=(",", ":"),
    ).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def _allowed_url(url: str) -> bool:
    parts = urlsplit(url)
    loopback = current_app.config.get("WEBHOOK_ALLOW_LOOPBACK")
    return bool(parts.hostname) and (
        parts.scheme == "https" or (loopback and parts.scheme == "http")
    )


def set_endpoint(actor, url: str, secret: str) -> WebhookEndpoint:
    """Register (or replace) the actor's pesantren's endpoint. Raises Forbidden (not its
    manager), Invalid (not an https URL, a secret shorter than 16 characters)."""
    pesantren_id = getattr(actor, "pesantren_id", None)
    require_own(actor, pesantren_id)  # a manager of its pesantren; else 404
    url, secret = (url or "").strip(), (secret or "").strip()
    if len(url) > 500 or not _allowed_url(url):
        raise Invalid(_l("Alamat webhook harus berupa URL https."), field="url")
    if not 16 <= len(secret) <= 200:
        raise Invalid(_l("Rahasia webhook harus 16 sampai 200 karakter."), field="secret")
    found = db.session.scalar(
        select(WebhookEndpoint).where(WebhookEndpoint.pesantren_id == pesantren_id)
    )
    if found is None:
        found = WebhookEndpoint(pesantren_id=pesantren_id)
        db.session.add(found)
    found.url, found.secret, found.created_by_id = url, secret, actor.id
    db.session.flush()
    record("webhook.set", found, actor=actor, pesantren_id=pesantren_id, url=url)
    db.session.commit()
    return found


def remove_endpoint(actor) -> None:
    """Stop the deliveries of the actor's pesantren: the endpoint goes, and with it its
    delivery log and the deliveries still pending (the audit event counts them). Its events
    stay in the feed (``GET /api/v1/events``)."""
    pesantren_id = getattr(actor, "pesantren_id", None)
    require_own(actor, pesantren_id)  # a manager of its pesantren; else 404
    found = endpoint_of(pesantren_id)
    if found is not None:
        mine = WebhookDelivery.endpoint_id == found.id
        pending = db.session.scalar(
            select(func.count(WebhookDelivery.id)).where(
                mine, WebhookDelivery.status == DeliveryStatus.PENDING
            )
        )
        record("webhook.removed", found, actor=actor, pesantren_id=pesantren_id, pending=pending)
        db.session.execute(delete(WebhookDelivery).where(mine))
        db.session.delete(found)
        db.session.commit()


def endpoint_of(pesantren_id: int | None) -> WebhookEndpoint | None:
    if pesantren_id is None:
        return None
    return db.session.scalar(
        select(WebhookEndpoint).where(WebhookEndpoint.pesantren_id == pesantren_id)
    )


def deliveries_of(pesantren_id: int | None, limit: int = 50) -> list[WebhookDelivery]:
    """The delivery log of a pesantren's endpoint, newest first (the account page, the API)."""
    found = endpoint_of(pesantren_id)
    if found is None:
        return []
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == found.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


class Refused(Exception):
    """The receiver's address is not one deliveries may go to."""


def _check_address(host: str, port: int) -> None:
    """Refuse a host that resolves to a loopback, private, link-local, multicast or reserved
    address (any of its addresses), unless tests allow loopback."""
    loopback_ok = bool(current_app.config.get("WEBHOOK_ALLOW_LOOPBACK"))
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise Refused(f"cannot resolve {host}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_loopback and loopback_ok:
            continue
        if not address.is_global or address.is_multicast:
            raise Refused(f"{host} resolves to a non-public address {address}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is an answer like any other non-2xx: retried, never followed


def _post(endpoint: WebhookEndpoint, body: bytes, now: datetime) -> int:
    """POST once; the receiver's status (a 3xx is not followed). Raises Refused, OSError."""
    parts = urlsplit(endpoint.url)
    if not _allowed_url(endpoint.url):
        raise Refused("not an https URL")
    _check_address(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    request = urllib.request.Request(  # noqa: S310 - https (or loopback http in tests), checked
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "BursaPesantren-Webhook/1",
            HEADER: signature(endpoint.secret, int(now.timestamp()), body),
        },
    )
    opener = urllib.request.build_opener(_NoRedirect)
    timeout = float(current_app.config.get("WEBHOOK_TIMEOUT", 5))
    try:
        with opener.open(request, timeout=timeout) as answer:
            return answer.status
    except urllib.error.HTTPError as answer:
        return answer.code


def backoff(attempts: int) -> timedelta:
    """After the n-th failed attempt: 1, 2, 4 ... minutes, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def deliver_due(now: datetime | None = None) -> dict:
    """Send the deliveries whose time has come; returns how many were delivered, failed (to
    retry) and given up. Commits after each attempt (a receiver's answer is never lost)."""
    now = now or utcnow()
    give_up_after = timedelta(hours=float(current_app.config.get("WEBHOOK_RETRY_HOURS", 24)))
    counts = {"delivered": 0, "failed": 0, "given_up": 0}
    due = db.session.scalars(
        select(WebhookDelivery)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
        )
        .order_by(WebhookDelivery.id)
        .limit(BATCH)
    ).all()
    for row in due:
        endpoint = db.session.get(WebhookEndpoint, row.endpoint_id)
        row.attempts += 1
        try:
            status = _post(endpoint, body_of(row.event), now)
            row.last_status, row.last_error = status, None
        except (Refused, OSError, ValueError) as exc:
            status, row.last_status, row.last_error = 0, None, str(exc)[:500]
        if 200 <= status < 300:
            row.status, row.delivered_at = DeliveryStatus.DELIVERED.value, now
            counts["delivered"] += 1
        elif now - row.created_at >= give_up_after:
            row.status = DeliveryStatus.GIVEN_UP.value
            counts["given_up"] += 1
        else:
            row.next_attempt_at = now + backoff(row.attempts)
            counts["failed"] += 1
        db.session.commit()
    return counts
