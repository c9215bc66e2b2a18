"""The events feed: a row per change a pesantren's integration may follow, written in the same
transaction as the change, by session hooks (declared in ``exchange/hooks.py``,
docs/wiring.md), so no write path of the domains can forget one.

What counts as a change (noted after each flush, written before COMMIT):
- a deal: every move (a new ``DealEvent``: opening, counter, acceptance, payment, ...), for
  both parties, with the deal's state and version after the move;
- a listing: an insert or an ORM update (edit, withdrawal, expiry), for its pesantren, with
  its status and version (the quantity reserved by a signed deal moves with the deal's event);
- a clearing proposal: new or answered, for both parties, with its status;
- a clearing (kliring) run: a party's answer or the run's status, for every party;
- a notification: for its user's pesantren, with its kind as the state.

Each event for a pesantren with a webhook endpoint also writes its delivery (the outbox).
"""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from exchange.auth.models import User
from exchange.clock import utcnow
from exchange.deals.models import Deal, DealEvent, Notification
from exchange.events.models import ApiEvent, EventKind, WebhookDelivery, WebhookEndpoint
from exchange.listings.models import Listing
from exchange.matching.models import Proposal
from exchange.netting.models import NettingParty, NettingRun

_KEY = "api_events"


_WATCHED = (
    (DealEvent, EventKind.DEAL, "deal_id"),
    (Listing, EventKind.LISTING, "id"),
    (Proposal, EventKind.PROPOSAL, "id"),
    (NettingRun, EventKind.KLIRING, "id"),
    (NettingParty, EventKind.KLIRING, "run_id"),
    (Notification, EventKind.NOTIFICATION, "id"),
)


def _note(session: Session, _context) -> None:
    noted = session.info.setdefault(_KEY, set())
    changed = list(session.new) + [
        o for o in session.dirty if session.is_modified(o, include_collections=False)
    ]
    for obj in changed:
        for model, kind, key in _WATCHED:
            if isinstance(obj, model) and (model is not DealEvent or obj in session.new):
                noted.add((kind, getattr(obj, key)))


def _ids(noted, kind) -> list[int]:
    return sorted(i for k, i in noted if k is kind and i is not None)


def _rows(session: Session, noted) -> list[dict]:
    """One row per pesantren concerned, with the object's state now (inside the transaction)."""
    rows: list[dict] = []

    def add(kind, object_id, pesantren_ids, state, version=None):
        for pid in sorted({p for p in pesantren_ids if p is not None}):
            rows.append(
                {
                    "pesantren_id": pid,
                    "kind": kind.value,
                    "object_id": object_id,
                    "state": str(state)[:40],
                    "version": version,
                }
            )

    if ids := _ids(noted, EventKind.DEAL):
        q = select(
            Deal.id, Deal.seller_pesantren_id, Deal.buyer_pesantren_id, Deal.state, Deal.version
        )
        for d in session.execute(q.where(Deal.id.in_(ids))):
            add(
                EventKind.DEAL,
                d.id,
                (d.seller_pesantren_id, d.buyer_pesantren_id),
                d.state,
                d.version,
            )
    if ids := _ids(noted, EventKind.LISTING):
        q = select(Listing.id, Listing.pesantren_id, Listing.status, Listing.version)
        for x in session.execute(q.where(Listing.id.in_(ids))):
            add(EventKind.LISTING, x.id, (x.pesantren_id,), x.status, x.version)
    if ids := _ids(noted, EventKind.PROPOSAL):
        q = select(
            Proposal.id, Proposal.seller_pesantren_id, Proposal.buyer_pesantren_id, Proposal.status
        )
        for p in session.execute(q.where(Proposal.id.in_(ids))):
            add(EventKind.PROPOSAL, p.id, (p.seller_pesantren_id, p.buyer_pesantren_id), p.status)
    if ids := _ids(noted, EventKind.KLIRING):
        parties: dict[int, list[int]] = {}
        q = select(NettingParty.run_id, NettingParty.pesantren_id)
        for run_id, pid in session.execute(q.where(NettingParty.run_id.in_(ids))):
            parties.setdefault(run_id, []).append(pid)
        q = select(NettingRun.id, NettingRun.status, NettingRun.rounds)
        for r in session.execute(q.where(NettingRun.id.in_(ids))):
            add(EventKind.KLIRING, r.id, parties.get(r.id, ()), r.status, r.rounds)
    if ids := _ids(noted, EventKind.NOTIFICATION):
        q = select(Notification.id, Notification.kind, User.pesantren_id).join(
            User, User.id == Notification.user_id
        )
        for n in session.execute(q.where(Notification.id.in_(ids))):
            add(EventKind.NOTIFICATION, n.id, (n.pesantren_id,), n.kind)
    return rows


def _write(session: Session) -> None:
    """The events, and a webhook delivery of each to its pesantren's endpoint (the outbox:
    the same transaction; events/delivery.py sends them after)."""
    session.flush()
    noted = session.info.pop(_KEY, set())
    if not noted or not (rows := _rows(session, noted)):
        return
    now = utcnow()
    written = session.execute(
        insert(ApiEvent).returning(ApiEvent.id, ApiEvent.pesantren_id),
        [{**r, "created_at": now} for r in rows],
    ).all()
    pids = {pid for _id, pid in written}
    endpoints = dict(
        session.execute(
            select(WebhookEndpoint.pesantren_id, WebhookEndpoint.id).where(
                WebhookEndpoint.pesantren_id.in_(pids)
            )
        ).all()
    )
    deliveries = [
        {"endpoint_id": endpoints[pid], "event_id": event_id, "status": "pending",
         "attempts": 0, "next_attempt_at": now, "created_at": now}
        for event_id, pid in written
        if pid in endpoints
    ]  # fmt: skip
    if deliveries:
        session.execute(insert(WebhookDelivery), deliveries)


def _forget(session: Session) -> None:
    session.info.pop(_KEY, None)


#: Installed once at start-up by ``exchange.hooks.install`` (docs/wiring.md, "Session hooks").
SESSION_HOOKS = (
    ("after_flush", _note),
    ("before_commit", _write),
    ("after_rollback", _forget),
)
