"""``GET /api/v1/events``: what changed for the token's pesantren, oldest first, from a cursor
(api/events.py writes the rows in the same transaction as each change)."""

from __future__ import annotations

from datetime import datetime

from flask import g, request
from pydantic import BaseModel, Field
from sqlalchemy import select

from exchange.api.guard import acting_user, needs
from exchange.api.scopes import Scope
from exchange.api.spec import responses, spec
from exchange.api.views import bp
from exchange.api.vocab import one_of
from exchange.events.models import ApiEvent, EventKind
from exchange.extensions import db


class EventsQuery(BaseModel):
    after: int = Field(
        default=0, ge=0, le=2**31 - 1, description="The last event id the client has (0: all)."
    )
    limit: int = Field(default=100, ge=1, le=100)


class Event(BaseModel):
    id: int = Field(description="The event's id, also the cursor of the next call's ``after``.")
    kind: one_of(EventKind)
    object_id: int = Field(description="The deal, listing, proposal, run or notification id.")
    state: str = Field(
        description="The object's state after the change (a notification: its kind)."
    )
    version: int | None = Field(description="The object's version after the change, if it has one.")
    created_at: datetime


class EventPage(BaseModel):
    items: list[Event]
    next_after: int = Field(description="Pass as ``after`` to read on (the same when empty).")


@bp.get("/events")
@spec.validate(query=EventsQuery, resp=responses(200, EventPage), tags=("read",))
@needs(Scope.READ)
def events(query: EventsQuery):
    """The changes to the token's pesantren's deals, listings, clearing proposals, kliring
    runs and notifications after the cursor ``after``, oldest first (poll with the last
    ``next_after``; a ``Link: rel="next"`` header gives the next page while one is full)."""
    pesantren_id = acting_user().pesantren_id
    found = []
    if pesantren_id is not None:
        found = db.session.scalars(
            select(ApiEvent)
            .where(ApiEvent.pesantren_id == pesantren_id, ApiEvent.id > query.after)
            .order_by(ApiEvent.id)
            .limit(query.limit)
        ).all()
    last = found[-1].id if found else query.after
    if len(found) == query.limit:
        g.api_link = f'<{request.base_url}?after={last}&limit={query.limit}>; rel="next"'
    items = [
        Event(
            id=e.id,
            kind=e.kind,
            object_id=e.object_id,
            state=e.state,
            version=e.version,
            created_at=e.created_at,
        )
        for e in found
    ]
    return EventPage(items=items, next_after=last)
