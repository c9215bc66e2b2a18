"""Pools (patungan): the pools of the token's pesantren and those near it it may join, one
pool, and every move of the pool page: open one, join, leave (scope ``listings``: a share is
part of a request), a seller's agreement and its one shipment to the hub (scope ``deals``: they
open and ship deals), and a member's share turned into its own request after the pool closed
without a seller. The same services and queries as the pool pages."""

from __future__ import annotations

from flask import g, url_for
from pydantic import BaseModel, ConfigDict, Field

from exchange.api import pool_schemas as p
from exchange.api import present, schemas, versions
from exchange.api import write_schemas as w
from exchange.api.guard import acting_user, needs
from exchange.api.scopes import Scope
from exchange.api.spec import responses, spec
from exchange.api.views import bp
from exchange.api.write_views import endpoint
from exchange.clock import today_wib
from exchange.matching import queries as matching_queries
from exchange.pools import queries, services


class PoolJoinIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    quantity: int = Field(ge=1, le=w.MAX_QUANTITY, description="The caller's own share.")


def _present(pool, pesantren_id, may_see: bool | None = None) -> p.PoolOut:
    """A pool as ``pesantren_id`` sees it: members only to those the page shows them to, the
    seller's choices only to a non-member of an open pool."""
    if may_see is None:
        may_see = pesantren_id is not None and (
            queries.member_of(pool, pesantren_id) is not None
            or pesantren_id in queries.negotiating_pesantren(pool)
        )
    mine = queries.member_of(pool, pesantren_id)
    proposals, offers = (
        queries.seller_choices(pool, pesantren_id, today_wib()) if mine is None else ([], [])
    )
    members = [
        p.PoolMemberOut(
            pesantren_id=m.pesantren_id,
            pesantren_name=m.pesantren.name,
            quantity=m.quantity,
            deal_id=m.deal_id,
        )
        for m in pool.members
    ]
    deal_ids = [m.deal_id for m in pool.members if m.deal_id is not None]
    if mine is not None:
        deal_ids = [mine.deal_id] if mine.deal_id is not None else []
    elif pesantren_id is None or queries.seller_of(pool) != pesantren_id:
        deal_ids = []
    return p.PoolOut(
        id=pool.id,
        state=pool.state.value,
        commodity=pool.commodity.slug,
        grade=pool.commodity.grade_label(pool.grade),
        total=pool.total,
        my_quantity=mine.quantity if mine is not None else None,
        price=pool.price,
        window_start=pool.window_start,
        window_end=pool.window_end,
        akad=list(pool.akad or []),
        hub_lat=pool.hub_lat,
        hub_lon=pool.hub_lon,
        hub_address=pool.hub_address,
        max_distance_km=pool.max_distance_km,
        coordinator_pesantren_id=pool.coordinator_pesantren_id,
        listing_id=pool.listing_id,
        unit_price=pool.unit_price,
        agreed_akad=pool.agreed_akad,
        handover_date=pool.handover_date,
        members=members if may_see else None,
        offers=[o.id for o in offers],
        proposals=[x.id for x in proposals],
        deal_ids=deal_ids,
    )


def _shown(pool_id: int) -> p.PoolOut:
    """The pool after a move, as the caller now sees it (its own location)."""
    g.api_location = url_for("api.pool", pool_id=pool_id)
    user = acting_user()
    pool, may_see = queries.pool_for(user, pool_id)
    return _present(pool, user.pesantren_id, may_see)


@bp.get("/pools")
@spec.validate(resp=responses(200, p.PoolList), tags=("read",))
@needs(Scope.READ)
def pools():
    """The pools of the token's pesantren, newest first, then the open pools near it that it
    may join (the pool page's two lists), then the pools it agreed to supply (to ship)."""
    user = acting_user()
    here = user.pesantren
    if here is None:
        return p.PoolList(items=[])
    shown = queries.pools_of(here.id)
    if here.lat is not None and here.lon is not None:
        shown += queries.joinable(here.lat, here.lon, matching_queries.road_factor(), today_wib())
    shown += queries.supplied_by(here.id)
    unique = list({x.id: x for x in shown}.values())
    return p.PoolList(items=[_present(x, here.id) for x in unique])


@bp.get("/pools/<int:pool_id>")
@spec.validate(resp=responses(200, p.PoolOut), tags=("read",))
@needs(Scope.READ)
def pool(pool_id: int):
    """One pool: an open one for any trader (to join it, or to agree to supply it), a matched
    or closed one only for its members and its seller (others: 404)."""
    user = acting_user()
    found, may_see = queries.pool_for(user, pool_id)
    return _present(found, user.pesantren_id, may_see)


@endpoint("/pools", Scope.LISTINGS, json=p.PoolOpenIn, status=201, result=p.PoolOut)
def open_pool(json: p.PoolOpenIn, headers: w.WriteHeaders):
    """Open a pool with the token's pesantren's own share; its request enters the market at
    once, and pesantren near the hub may join it."""
    made = services.open_pool(
        acting_user(), services.PoolInput(**json.model_dump() | {"akad": tuple(json.akad)})
    )
    return _shown(made.id), 201


@endpoint("/pools/<int:pool_id>/join", Scope.LISTINGS, json=PoolJoinIn, result=p.PoolOut)
def join_pool(pool_id: int, json: PoolJoinIn, headers: w.WriteHeaders):
    """Join an open pool near the caller's pesantren with its own quantity."""
    member = services.join_pool(acting_user(), pool_id, json.quantity)
    return _shown(member.pool_id)


@endpoint("/pools/<int:pool_id>/leave", Scope.LISTINGS, result=p.PoolOut)
def leave_pool(pool_id: int, headers: w.WriteHeaders):
    """Leave a pool while it is open (the last member leaving closes it)."""
    user = acting_user()
    left = services.leave_pool(user, pool_id)
    return _present(left, user.pesantren_id, may_see=False)


@endpoint("/pools/<int:pool_id>/agree", Scope.DEALS, json=p.PoolAgreeIn, result=p.PoolOut)
def agree_pool(pool_id: int, json: p.PoolAgreeIn, headers: w.WriteHeaders):
    """A seller agrees to supply an open pool with one of its offers: every member gets its
    own deal (its quantity, delivered to the hub) to sign; the pool's request leaves the
    market. Not open: 409."""
    services.agree(acting_user(), pool_id, json.offer_id, json.proposal_id)
    return _shown(pool_id)


@endpoint("/pools/<int:pool_id>/ship", Scope.DEALS, json=w.NoteIn, result=p.PoolOut)
def ship_pool(pool_id: int, json: w.NoteIn, headers: w.WriteHeaders):
    """The pool's seller ships every signed share in one shipment to the hub (not its
    seller, or not matched: 404)."""
    services.ship_to_hub(acting_user(), pool_id, json.note)
    return _shown(pool_id)


@endpoint(
    "/pools/<int:pool_id>/share-to-request",
    Scope.LISTINGS,
    status=201,
    result=schemas.Listing,
)
def share_to_request(pool_id: int, headers: w.WriteHeaders):
    """After the pool closed without a seller, a member turns its share into a request of its
    own (once: a second call gives the same listing). While the pool is open or matched: 409."""
    listing = services.share_to_request(acting_user(), pool_id)
    versions.shows(listing.version)
    g.api_location = url_for("api.listing", listing_id=listing.id)
    return present.listing(listing), 201
