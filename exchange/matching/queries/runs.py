"""Reciprocal partners of a pesantren, its proposals, and the clearing runs."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_locale
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from exchange.auth.permissions import is_manager_of
from exchange.catalogue.models import Commodity
from exchange.clock import today_wib
from exchange.errors import NotFound
from exchange.extensions import db
from exchange.listings.models import Listing, Side
from exchange.listings.queries import open_conditions
from exchange.matching.models import (
    MatchRun,
    Proposal,
    ProposalStatus,
    RunPartnerFlow,
    RunStatus,
)
from exchange.pesantren.models import Pesantren, Regency

# Reciprocal partners -------------------------------------------------------------------------


@dataclass
class Flow:
    commodity: str  # slug
    name: str
    unit: str
    quantity: int  # most that could move: min(compatible supply, compatible demand)
    listing_id: int | None = None  # the partner's open listing to negotiate on, when known


@dataclass
class Partner:
    pesantren_id: int
    name: str
    regency: str
    distance_km: float
    supplies: list[Flow]  # what the partner can sell to us
    buys: list[Flow]  # what the partner can buy from us


def latest_run() -> MatchRun | None:
    """The latest clearing run: the partners, reach and unmet demand the pages show are its
    by-products (run_clearing replaces them with each run)."""
    return db.session.scalar(
        select(MatchRun)
        .where(MatchRun.status == RunStatus.COMPLETED.value)
        .order_by(MatchRun.id.desc())
        .limit(1)
    )


def reciprocal_partners(pesantren_id: int, run: MatchRun | None = None) -> list[Partner]:
    """Pesantren that can both supply this one and buy from it, what could flow each way and the
    road distance, nearest first: as the latest clearing run (or `run`) found them on the
    active listings of then, by the engine's compatibility rule. Two queries."""
    run = run or latest_run()
    if run is None:
        return []
    f = RunPartnerFlow
    rows = db.session.execute(
        select(
            f.seller_pesantren_id,
            f.buyer_pesantren_id,
            Commodity.slug,
            Commodity.name_id,
            Commodity.name_en,
            Commodity.unit,
            f.quantity,
            f.distance_km,
        )
        .join(Commodity, Commodity.id == f.commodity_id)
        .where(f.run_id == run.id)
        .where(or_(f.seller_pesantren_id == pesantren_id, f.buyer_pesantren_id == pesantren_id))
        .order_by(Commodity.slug)
    ).all()
    if not rows:
        return []
    others = {b if s == pesantren_id else s for s, b, *_rest in rows}
    names = {
        i: (n, r)
        for i, n, r in db.session.execute(
            select(Pesantren.id, Pesantren.name, Regency.name)
            .join(Regency, Regency.code == Pesantren.regency_code)
            .where(Pesantren.id.in_(others))
        )
    }
    english = str(get_locale() or "id") == "en"
    partners: dict[int, Partner] = {}
    for seller, buyer, slug, name_id, name_en, unit, qty, dist in rows:
        name = name_en if english and name_en else name_id
        other = buyer if seller == pesantren_id else seller
        if other not in names:
            continue
        p = partners.setdefault(other, Partner(other, *names[other], dist, [], []))
        p.distance_km = min(p.distance_km, dist)
        (p.buys if seller == pesantren_id else p.supplies).append(Flow(slug, name, unit, qty))
    out = [p for p in (_one_way_each(p) for p in partners.values()) if p.supplies and p.buys]
    out.sort(key=lambda p: (p.distance_km, p.pesantren_id))
    _attach_listings(out)
    return out


def _one_way_each(partner: Partner) -> Partner:
    """A commodity that could go both ways between the two is not a partnership (it would be
    the same goods swapped): it is listed neither way."""
    both = {f.commodity for f in partner.supplies} & {f.commodity for f in partner.buys}
    partner.supplies = [f for f in partner.supplies if f.commodity not in both]
    partner.buys = [f for f in partner.buys if f.commodity not in both]
    return partner


def _attach_listings(partners: list[Partner]) -> None:
    """Each flow's listing to open a negotiation on: the partner's open offer of what it can
    supply, its open request of what it can buy (the oldest, so the link is stable)."""
    if not partners:
        return
    rows = db.session.execute(
        select(Listing.pesantren_id, Commodity.slug, Listing.side, Listing.id)
        .join(Commodity, Commodity.id == Listing.commodity_id)
        .where(Listing.pesantren_id.in_([p.pesantren_id for p in partners]))
        .where(*open_conditions(today_wib()))
        .order_by(Listing.id)
    ).all()
    first: dict[tuple, int] = {}
    for pid, slug, side, listing_id in rows:
        first.setdefault((pid, slug, Side(side)), listing_id)
    for p in partners:
        for f in p.supplies:
            f.listing_id = first.get((p.pesantren_id, f.commodity, Side.OFFER))
        for f in p.buys:
            f.listing_id = first.get((p.pesantren_id, f.commodity, Side.REQUEST))


# Proposals and runs --------------------------------------------------------------------------


def my_proposals(pesantren_id: int) -> list[Proposal]:
    """Proposals still open for this pesantren, as seller or buyer, newest run first."""
    return list(
        db.session.scalars(
            select(Proposal)
            .options(
                joinedload(Proposal.seller),
                joinedload(Proposal.buyer),
                joinedload(Proposal.commodity),
            )
            .where(
                Proposal.status == ProposalStatus.PROPOSED.value,
                or_(
                    Proposal.seller_pesantren_id == pesantren_id,
                    Proposal.buyer_pesantren_id == pesantren_id,
                ),
            )
            .order_by(Proposal.run_id.desc(), Proposal.id)
        )
    )


def runs_query():
    return select(MatchRun).options(joinedload(MatchRun.started_by)).order_by(MatchRun.id.desc())


def run_proposals_query(run_id: int):
    """A run's proposals, the largest shared gain first (the staff page of one run)."""
    return (
        select(Proposal)
        .options(
            joinedload(Proposal.seller), joinedload(Proposal.buyer), joinedload(Proposal.commodity)
        )
        .where(Proposal.run_id == run_id)
        .order_by(Proposal.surplus_per_unit.desc(), Proposal.id)
    )


def party_proposal(user, proposal_id: int) -> Proposal:
    """An open proposal the user's pesantren is a party to; anything else raises NotFound."""
    proposal = db.session.get(Proposal, proposal_id)
    if (
        proposal is None
        or proposal.status != ProposalStatus.PROPOSED
        or not (
            is_manager_of(user, proposal.seller_pesantren_id)
            or is_manager_of(user, proposal.buyer_pesantren_id)
        )
    ):
        raise NotFound()
    return proposal
