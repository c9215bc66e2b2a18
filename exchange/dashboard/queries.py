"""The dashboard's reads: GROUP BY queries over contracts, listings and deal events.

Every figure is computed by the database (sums, counts, medians by window functions); Python
only reads the aggregated rows. Contracts are the deals that were signed (``Deal.signed_at`` in
the period); their value is ``Contract.total`` and their volume the accepted terms' quantity.
Cancelled contracts are counted apart and left out of the volumes, values and flows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, or_, select, union
from sqlalchemy.orm import aliased

from exchange.catalogue.models import Commodity
from exchange.dashboard.filters import Filters
from exchange.dashboard.flows import Edge
from exchange.dashboard.reach import Open
from exchange.dashboard.sqlutil import dialect_name, grouped_median, seconds_between, week_start
from exchange.deals.models import Contract, Deal, DealEvent, TermsVersion
from exchange.deals.states import State
from exchange.extensions import db
from exchange.listings.models import Listing, ListingStatus, Side
from exchange.listings.queries import open_conditions
from exchange.matching import instance
from exchange.matching.model import Instance
from exchange.matching.models import Proposal, ProposalStatus
from exchange.models import import_all_models
from exchange.pesantren.models import Pesantren, Regency

import_all_models()  # aliased() below configures the mappers: every model must be known

Seller = aliased(Pesantren, name="seller")
Buyer = aliased(Pesantren, name="buyer")
LIVE = tuple(s.value for s in (State.SIGNED, State.SHIPPED, State.RECEIVED, State.DISPUTED))
DELIVERED = (State.RECEIVED.value, State.COMPLETED.value)
CONTRACTED = (*LIVE, State.COMPLETED.value)  # signed and not cancelled


@dataclass(frozen=True)
class Figures:
    active_pesantren: int
    open_offers: int
    open_offer_quantity: int
    open_offer_value: int
    open_requests: int
    open_request_quantity: int
    open_request_value: int
    proposals_made: int  # pairs the clearing runs proposed in the period
    proposals_acted: int  # of those, pairs a negotiation was opened from
    signed: int
    signed_volume: int
    signed_value: int
    delivered: int
    delivered_volume: int
    delivered_value: int
    completed: int
    completed_volume: int
    completed_value: int
    cancelled: int
    requested_quantity: int
    matched_quantity: int
    median_hours_to_contract: float | None
    disputes_raised: int
    disputes_open: int

    @property
    def match_rate(self) -> float | None:
        if not self.requested_quantity:
            return None
        return self.matched_quantity / self.requested_quantity


def _contracts(f: Filters, *columns):
    """SELECT columns FROM contracts of the period, with deal, accepted terms and both parties."""
    q = (
        select(*columns)
        .select_from(Contract)
        .join(Deal, Deal.id == Contract.deal_id)
        .join(
            TermsVersion,
            and_(TermsVersion.deal_id == Deal.id, TermsVersion.number == Contract.terms_version),
        )
        .join(Seller, Seller.id == Deal.seller_pesantren_id)
        .join(Buyer, Buyer.id == Deal.buyer_pesantren_id)
        .where(Deal.signed_at >= f.since, Deal.signed_at < f.until)
    )
    if f.commodity_id:
        q = q.where(Deal.commodity_id == f.commodity_id)
    if f.regency_code:
        q = q.where(
            or_(Seller.regency_code == f.regency_code, Buyer.regency_code == f.regency_code)
        )
    return q


def _listings(f: Filters, *columns):
    q = select(*columns).select_from(Listing).join(Pesantren, Pesantren.id == Listing.pesantren_id)
    if f.commodity_id:
        q = q.where(Listing.commodity_id == f.commodity_id)
    if f.regency_code:
        q = q.where(Pesantren.regency_code == f.regency_code)
    return q


def _open_listings(f: Filters, today: date, *columns):
    return _listings(f, *columns).where(
        Listing.status == ListingStatus.ACTIVE.value,
        Listing.window_end >= today,
        Listing.remaining > 0,
    )


def _sum_if(condition, value):
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def figures(f: Filters, today: date) -> Figures:
    s = db.session
    state = Deal.state
    qty, total = TermsVersion.quantity, Contract.total
    live = state.in_(CONTRACTED)
    c = s.execute(
        _contracts(
            f,
            _sum_if(live, 1),
            _sum_if(live, qty),
            _sum_if(live, total),
            _sum_if(state.in_(DELIVERED), 1),
            _sum_if(state.in_(DELIVERED), qty),
            _sum_if(state.in_(DELIVERED), total),
            _sum_if(state == State.COMPLETED.value, 1),
            _sum_if(state == State.COMPLETED.value, qty),
            _sum_if(state == State.COMPLETED.value, total),
            _sum_if(state == State.CANCELLED.value, 1),
        )
    ).one()
    side = Listing.side
    o = s.execute(
        _open_listings(
            f,
            today,
            _sum_if(side == Side.OFFER.value, 1),
            _sum_if(side == Side.OFFER.value, Listing.remaining),
            _sum_if(side == Side.OFFER.value, Listing.remaining * Listing.price),
            _sum_if(side == Side.REQUEST.value, 1),
            _sum_if(side == Side.REQUEST.value, Listing.remaining),
            _sum_if(side == Side.REQUEST.value, Listing.remaining * Listing.price),
        )
    ).one()
    requested, matched = _match(f)
    return Figures(
        active_pesantren=_active_pesantren(f),
        open_offers=int(o[0]),
        open_offer_quantity=int(o[1]),
        open_offer_value=int(o[2]),
        open_requests=int(o[3]),
        open_request_quantity=int(o[4]),
        open_request_value=int(o[5]),
        **_proposals(f),
        signed=int(c[0]),
        signed_volume=int(c[1]),
        signed_value=int(c[2]),
        delivered=int(c[3]),
        delivered_volume=int(c[4]),
        delivered_value=int(c[5]),
        completed=int(c[6]),
        completed_volume=int(c[7]),
        completed_value=int(c[8]),
        cancelled=int(c[9]),
        requested_quantity=requested,
        matched_quantity=matched,
        median_hours_to_contract=_median_hours(f),
        disputes_raised=_disputes_raised(f),
        disputes_open=_disputes_open(f),
    )


def _signed_deals(f: Filters, *columns):
    """Deals signed in the period (a signed deal has its contract): no terms join needed."""
    return _deals_filtered(f, *columns).where(Deal.signed_at >= f.since, Deal.signed_at < f.until)


def _active_pesantren(f: Filters) -> int:
    """Pesantren (of the regency) that signed a contract or posted a listing in the period."""
    sellers = _signed_deals(f, Deal.seller_pesantren_id.label("pid"))
    buyers = _signed_deals(f, Deal.buyer_pesantren_id.label("pid"))
    if f.regency_code:
        sellers = sellers.where(Seller.regency_code == f.regency_code)
        buyers = buyers.where(Buyer.regency_code == f.regency_code)
    posted = _listings(f, Listing.pesantren_id.label("pid")).where(
        Listing.created_at >= f.since, Listing.created_at < f.until
    )
    ids = union(sellers, buyers, posted).subquery()
    return db.session.scalar(select(func.count()).select_from(ids)) or 0


def reciprocal_pairs(f: Filters) -> int:
    """Pairs of pesantren that sold to each other in the period (both directions contracted)."""
    pairs = (
        _signed_deals(f, Deal.seller_pesantren_id.label("s"), Deal.buyer_pesantren_id.label("b"))
        .where(Deal.state.in_(CONTRACTED))
        .distinct()
        .subquery()
    )
    back = pairs.alias("back")
    q = (
        select(func.count())
        .select_from(pairs)
        .join(back, and_(back.c.s == pairs.c.b, back.c.b == pairs.c.s))
        .where(pairs.c.s < pairs.c.b)
    )
    return db.session.scalar(q) or 0


def _match(f: Filters) -> tuple[int, int]:
    """Requested quantity posted in the period, and how much of it found a contract."""
    per_request = (
        select(
            Deal.request_id.label("rid"),
            func.sum(TermsVersion.quantity).label("contracted"),
        )
        .join(Contract, Contract.deal_id == Deal.id)
        .join(
            TermsVersion,
            and_(TermsVersion.deal_id == Deal.id, TermsVersion.number == Contract.terms_version),
        )
        .where(Deal.request_id.is_not(None), Deal.state.in_(CONTRACTED))
        .group_by(Deal.request_id)
        .subquery()
    )
    got = func.coalesce(per_request.c.contracted, 0)
    capped = case((got > Listing.quantity, Listing.quantity), else_=got)
    q = (
        _listings(
            f, func.coalesce(func.sum(Listing.quantity), 0), func.coalesce(func.sum(capped), 0)
        )
        .outerjoin(per_request, per_request.c.rid == Listing.id)
        .where(
            Listing.side == Side.REQUEST.value,
            Listing.created_at >= f.since,
            Listing.created_at < f.until,
        )
    )
    requested, matched = db.session.execute(q).one()
    return int(requested), int(matched)


def _median_hours(f: Filters) -> float | None:
    """Median time from posting (the later of offer and request) to signing, in hours."""
    off, req = aliased(Listing, name="off"), aliased(Listing, name="req")
    posted = case(
        (req.created_at.is_(None), off.created_at),
        (off.created_at.is_(None), req.created_at),
        (req.created_at > off.created_at, req.created_at),
        else_=off.created_at,
    )
    dialect = dialect_name(db.session)
    inner = (
        _contracts(f, seconds_between(Deal.signed_at, posted, dialect).label("secs"))
        .outerjoin(off, off.id == Deal.offer_id)
        .outerjoin(req, req.id == Deal.request_id)
        .where(Deal.state.in_(CONTRACTED), or_(off.id.is_not(None), req.id.is_not(None)))
    )
    value = db.session.scalar(grouped_median(inner, [], "secs"))
    return None if value is None else round(float(value) / 3600, 1)


def _deals_filtered(f: Filters, *columns):
    q = (
        select(*columns)
        .select_from(Deal)
        .join(Seller, Seller.id == Deal.seller_pesantren_id)
        .join(Buyer, Buyer.id == Deal.buyer_pesantren_id)
    )
    if f.commodity_id:
        q = q.where(Deal.commodity_id == f.commodity_id)
    if f.regency_code:
        q = q.where(
            or_(Seller.regency_code == f.regency_code, Buyer.regency_code == f.regency_code)
        )
    return q


def _proposals(f: Filters) -> dict[str, int]:
    """Proposals made in the period and how many were acted on (a negotiation opened from
    them). Each offer/request pair counts once: a pair left untouched is proposed again by every
    nightly run, and counting those repeats would inflate the figure."""
    acted = case((Proposal.status == ProposalStatus.ACTED.value, 1), else_=0)
    pairs = (
        select(func.max(acted).label("acted"))
        .select_from(Proposal)
        .join(Seller, Seller.id == Proposal.seller_pesantren_id)
        .join(Buyer, Buyer.id == Proposal.buyer_pesantren_id)
        .where(Proposal.created_at >= f.since, Proposal.created_at < f.until)
        .group_by(Proposal.offer_id, Proposal.request_id)
    )
    if f.commodity_id:
        pairs = pairs.where(Proposal.commodity_id == f.commodity_id)
    if f.regency_code:
        pairs = pairs.where(
            or_(Seller.regency_code == f.regency_code, Buyer.regency_code == f.regency_code)
        )
    sub = pairs.subquery()
    made, acted_count = db.session.execute(
        select(func.count(), func.coalesce(func.sum(sub.c.acted), 0)).select_from(sub)
    ).one()
    return {"proposals_made": int(made), "proposals_acted": int(acted_count)}


def _disputes_raised(f: Filters) -> int:
    q = (
        _deals_filtered(f, func.count(DealEvent.id))
        .join(DealEvent, DealEvent.deal_id == Deal.id)
        .where(
            DealEvent.action == "dispute",
            DealEvent.created_at >= f.since,
            DealEvent.created_at < f.until,
        )
    )
    return db.session.scalar(q) or 0


def _disputes_open(f: Filters) -> int:
    q = _deals_filtered(f, func.count()).where(Deal.state == State.DISPUTED.value)
    return db.session.scalar(q) or 0


def edges(f: Filters) -> list[Edge]:
    """Contracted value and volume per (seller, buyer), for flows.py."""
    q = (
        _contracts(
            f,
            Seller.id,
            Buyer.id,
            Seller.regency_code,
            Buyer.regency_code,
            func.sum(Contract.total),
            func.sum(TermsVersion.quantity),
            func.count(),
        )
        .where(Deal.state.in_(CONTRACTED))
        .group_by(Seller.id, Buyer.id, Seller.regency_code, Buyer.regency_code)
        .order_by(Seller.id, Buyer.id)
    )
    return [
        Edge(a, b, ra, rb, int(v), int(q_), int(n))
        for a, b, ra, rb, v, q_, n in db.session.execute(q)
    ]


def by_commodity(f: Filters) -> list[tuple[str, str, str, int, int, int]]:
    """Per commodity: slug, name, unit, contracts, volume, value; largest value first."""
    value = func.sum(Contract.total)
    q = (
        _contracts(
            f,
            Commodity.slug,
            Commodity.name_id,
            Commodity.unit,
            func.count(),
            func.sum(TermsVersion.quantity),
            value,
        )
        .join(Commodity, Commodity.id == Deal.commodity_id)
        .where(Deal.state.in_(CONTRACTED))
        .group_by(Commodity.slug, Commodity.name_id, Commodity.unit)
        .order_by(value.desc(), Commodity.slug)
    )
    return [(s, n, u, int(c), int(q_), int(v)) for s, n, u, c, q_, v in db.session.execute(q)]


def prices(f: Filters) -> list[tuple[str, str, str, str, int | None, int | None, int | None, int]]:
    """Median offer, request and contract price per commodity per week, and the reference.

    Rows: (slug, name, unit, week Monday, offer, request, contract, reference), by slug, week.
    Offers and requests count in the week they were posted, contracts in the week signed.
    """
    dialect = dialect_name(db.session)
    cells: dict[tuple[str, str], dict[str, int]] = {}
    for side in (Side.OFFER.value, Side.REQUEST.value):
        inner = _listings(
            f,
            Listing.commodity_id.label("cid"),
            week_start(Listing.created_at, dialect).label("week"),
            Listing.price.label("price"),
        ).where(Listing.side == side, Listing.created_at >= f.since, Listing.created_at < f.until)
        for cid, week, median in db.session.execute(
            grouped_median(inner, ["cid", "week"], "price")
        ):
            cells.setdefault((cid, str(week)), {})[side] = round(float(median))
    inner = _contracts(
        f,
        Deal.commodity_id.label("cid"),
        week_start(Deal.signed_at, dialect).label("week"),
        TermsVersion.unit_price.label("price"),
    ).where(Deal.state.in_(CONTRACTED))
    for cid, week, median in db.session.execute(grouped_median(inner, ["cid", "week"], "price")):
        cells.setdefault((cid, str(week)), {})["contract"] = round(float(median))
    catalogue = {
        c.id: c
        for c in db.session.scalars(
            select(Commodity).where(Commodity.id.in_({k[0] for k in cells}))
        )
    }
    rows = []
    for (cid, week), got in cells.items():
        c = catalogue[cid]
        rows.append(
            (
                c.slug,
                c.name_id,
                c.unit,
                week,
                got.get("offer"),
                got.get("request"),
                got.get("contract"),
                c.reference_price,
            )
        )
    return sorted(rows, key=lambda r: (r[0], r[3]))


def open_listings(f: Filters, today: date) -> tuple[Instance, list[Open]]:
    """Every open offer and request (of the commodity; any regency: supply reaches across) as
    the matching engine's instance (its own adapter: places, akad, minimums, road factor), and
    each one's facts for the tables."""
    rows = db.session.execute(
        select(
            *instance.LISTING_COLUMNS,
            *instance.PESANTREN_COLUMNS,
            Listing.commodity_id,
        )
        .join(Pesantren, Pesantren.id == Listing.pesantren_id)
        .join(Commodity, Commodity.id == Listing.commodity_id)
        .where(*open_conditions(today))
        .where(*([Listing.commodity_id == f.commodity_id] if f.commodity_id else []))
        .order_by(Listing.id)
    ).all()
    n = instance.N_COLUMNS
    opens = [
        Open(
            listing_id=r[0],
            side=r[1],
            pesantren_id=r[2],
            regency=r[n],
            commodity_id=r[n + 3],
            remaining=int(r[5]),
            price=int(r[6]),
        )
        for r in rows
    ]
    return instance.instance_from_rows(rows, today), opens


def regencies() -> list[Regency]:
    return list(db.session.scalars(select(Regency).order_by(Regency.code)))


def commodities() -> list[Commodity]:
    return list(db.session.scalars(select(Commodity).order_by(Commodity.name_id)))


def pesantren_names(ids) -> dict[int, tuple[str, str]]:
    """id -> (name, regency code), for the ids that the summaries name."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    q = select(Pesantren.id, Pesantren.name, Pesantren.regency_code).where(Pesantren.id.in_(ids))
    return {i: (n, r) for i, n, r in db.session.execute(q)}


def listing_facts(ids) -> dict[int, tuple[int, str, int]]:
    """Listing id -> (pesantren id, commodity slug, price), for the unmet-demand tables."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    q = (
        select(Listing.id, Listing.pesantren_id, Commodity.slug, Listing.price)
        .join(Commodity, Commodity.id == Listing.commodity_id)
        .where(Listing.id.in_(ids))
    )
    return {i: (p, s, pr) for i, p, s, pr in db.session.execute(q)}
