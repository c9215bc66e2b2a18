"""Reads about pools: the page of one pool as a viewer may see it, the hub's handover list, the
open pools a pesantren may join."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from exchange.deals.models import Deal
from exchange.errors import NotFound
from exchange.extensions import db
from exchange.listings.models import Listing, Side
from exchange.listings.policy import is_open, road_km
from exchange.matching.models import Proposal, ProposalStatus
from exchange.pools import policy
from exchange.pools.models import Pool, PoolMember
from exchange.pools.policy import PoolState


@dataclass(frozen=True)
class Share:
    """One member's share as the hub's handover list shows it (the driver's list)."""

    pesantren: str
    quantity: int
    deal_id: int | None
    deal_state: str | None
    delivery_id: int | None  # the member's own BAST, once it signed it


def negotiating_pesantren(pool: Pool) -> set[int]:
    """The sellers that negotiate with the pool: a clearing proposal on its request, or the
    seller it was matched with."""
    ids = set(
        db.session.scalars(
            select(Proposal.seller_pesantren_id).where(Proposal.request_id == pool.listing_id)
        )
    )
    deals = [m.deal_id for m in pool.members if m.deal_id is not None]
    if deals:
        ids |= set(db.session.scalars(select(Deal.seller_pesantren_id).where(Deal.id.in_(deals))))
    return ids


def seller_of(pool: Pool) -> int | None:
    """The pesantren that agreed to supply a matched pool (None: no seller yet)."""
    if pool.offer_id is None:
        return None
    return db.session.scalar(select(Listing.pesantren_id).where(Listing.id == pool.offer_id))


def pool_for(user, pool_id: int) -> tuple[Pool, bool]:
    """The pool and whether ``user`` may see its members (members; a seller negotiating with
    it). Any signed-in trader may see an open pool (to join it); a closed or matched one only
    its members and its seller: NotFound for others."""
    pool = db.session.get(Pool, pool_id)
    if pool is None:
        raise NotFound()
    viewer = getattr(user, "pesantren_id", None)
    members = {m.pesantren_id for m in pool.members}
    may_see = policy.may_see_members(viewer, members, negotiating_pesantren(pool))
    if pool.state != PoolState.OPEN and not may_see:
        raise NotFound()
    return pool, may_see


def member_of(pool: Pool, pesantren_id: int | None) -> PoolMember | None:
    return next((m for m in pool.members if m.pesantren_id == pesantren_id), None)


def handover_list(pool: Pool) -> list[Share]:
    """Every share of a matched pool with its deal and BAST, in the order members joined."""
    deal_ids = [m.deal_id for m in pool.members if m.deal_id is not None]
    deals = {
        d.id: d for d in db.session.scalars(select(Deal).where(Deal.id.in_(deal_ids))).unique()
    }
    out = []
    for m in pool.members:
        deal = deals.get(m.deal_id)
        delivery = deal.delivery if deal is not None else None
        out.append(
            Share(
                m.pesantren.name,
                m.quantity,
                m.deal_id,
                deal.state.value if deal is not None else None,
                delivery.id if delivery is not None else None,
            )
        )
    return out


def pool_of_listing(listing_id: int) -> Pool | None:
    return db.session.scalar(select(Pool).where(Pool.listing_id == listing_id))


def pools_of(pesantren_id: int) -> list[Pool]:
    """The pools a pesantren is a member of or coordinates, newest first."""
    member = select(PoolMember.pool_id).where(PoolMember.pesantren_id == pesantren_id)
    return list(
        db.session.scalars(
            select(Pool)
            .where(or_(Pool.id.in_(member), Pool.coordinator_pesantren_id == pesantren_id))
            .order_by(Pool.id.desc())
        ).unique()
    )


def supplied_by(pesantren_id: int) -> list[Pool]:
    """The pools a pesantren agreed to supply (its offer matched them), newest first."""
    offers = select(Listing.id).where(Listing.pesantren_id == pesantren_id)
    return list(
        db.session.scalars(
            select(Pool).where(Pool.offer_id.in_(offers)).order_by(Pool.id.desc())
        ).unique()
    )


def joinable(lat: float, lon: float, road_factor: float, today: date) -> list[Pool]:
    """Open pools whose hub is within their own distance of a place, nearest first."""
    pools = db.session.scalars(
        select(Pool)
        .where(Pool.state == PoolState.OPEN.value, Pool.window_start > today)
        .order_by(Pool.id)
    ).unique()
    near = [(road_km(p.hub_lat, p.hub_lon, lat, lon, road_factor), p.id, p) for p in pools]
    return [p for km, _i, p in sorted(near) if km <= p.max_distance_km]


def seller_choices(pool: Pool, pesantren_id: int | None, today: date) -> tuple[list, list]:
    """What a seller may agree to the pool with: its open clearing proposals on the pool's
    request, and its own open offers of the commodity (grade high enough, enough remaining)."""
    if pesantren_id is None or pool.state != PoolState.OPEN:
        return [], []
    proposals = list(
        db.session.scalars(
            select(Proposal)
            .where(
                Proposal.request_id == pool.listing_id,
                Proposal.seller_pesantren_id == pesantren_id,
                Proposal.status == ProposalStatus.PROPOSED.value,
            )
            .order_by(Proposal.id)
        )
    )
    offers = [
        o
        for o in db.session.scalars(
            select(Listing)
            .where(
                Listing.pesantren_id == pesantren_id,
                Listing.side == Side.OFFER.value,
                Listing.commodity_id == pool.commodity_id,
                Listing.grade >= pool.grade,
                Listing.remaining >= pool.total,
            )
            .order_by(Listing.id)
        ).unique()
        if is_open(o, today)
    ]
    return proposals, offers
