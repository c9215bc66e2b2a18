"""The token's pesantren's webhook: register, replace or remove the endpoint and secret, read
the delivery log (scope ``account``; the log also shows on the account page)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from exchange.api.guard import acting_user, needs
from exchange.api.scopes import Scope
from exchange.api.spec import responses, spec
from exchange.api.views import bp
from exchange.api.vocab import one_of
from exchange.api.write_schemas import WriteHeaders
from exchange.api.write_views import endpoint
from exchange.errors import NotFound
from exchange.events import delivery
from exchange.events.models import DeliveryStatus, EventKind


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(
        max_length=500, pattern=r"^https?://", description="An https URL on a public address."
    )
    secret: str = Field(
        min_length=16, max_length=200, description="Signs each delivery (Bursa-Signature)."
    )


class Webhook(BaseModel):
    url: str
    created_at: datetime


class Delivery(BaseModel):
    id: int
    event_id: int
    kind: one_of(EventKind)
    status: one_of(DeliveryStatus)
    attempts: int
    last_status: int | None = Field(description="The receiver's last HTTP status.")
    last_error: str | None
    next_attempt_at: datetime
    delivered_at: datetime | None


class DeliveryList(BaseModel):
    items: list[Delivery]


def _webhook() -> Webhook:
    found = delivery.endpoint_of(acting_user().pesantren_id)
    if found is None:
        raise NotFound()
    return Webhook(url=found.url, created_at=found.created_at)


@bp.get("/webhook")
@spec.validate(resp=responses(200, Webhook), tags=("account",))
@needs(Scope.ACCOUNT)
def webhook():
    """The pesantren's webhook endpoint (none: 404; the secret is never shown again)."""
    return _webhook()


@endpoint("/webhook", Scope.ACCOUNT, json=WebhookIn, result=Webhook, method="PUT")
def set_webhook(json: WebhookIn, headers: WriteHeaders):
    """Register or replace the endpoint every event of the pesantren is POSTed to, signed
    with the secret (Bursa-Signature: t=..,v1=HMAC-SHA256 of "t.body")."""
    delivery.set_endpoint(acting_user(), json.url, json.secret)
    return _webhook()


@endpoint("/webhook", Scope.ACCOUNT, status=204, result=None, method="DELETE")
def remove_webhook(headers: WriteHeaders):
    """Remove the pesantren's endpoint: no event is sent to it any more and its pending
    deliveries are given up (none registered: 404)."""
    user = acting_user()
    if delivery.endpoint_of(user.pesantren_id) is None:
        raise NotFound()
    delivery.remove_endpoint(user)
    return "", 204


@bp.get("/webhook/deliveries")
@spec.validate(resp=responses(200, DeliveryList), tags=("account",))
@needs(Scope.ACCOUNT)
def webhook_deliveries():
    """The delivery log, newest first: each event's attempts and the receiver's answers."""
    rows = delivery.deliveries_of(acting_user().pesantren_id)
    return DeliveryList(
        items=[
            Delivery(
                id=r.id,
                event_id=r.event_id,
                kind=r.event.kind,
                status=r.status,
                attempts=r.attempts,
                last_status=r.last_status,
                last_error=r.last_error,
                next_attempt_at=r.next_attempt_at,
                delivered_at=r.delivered_at,
            )
            for r in rows
        ]
    )
