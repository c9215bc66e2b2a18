"""Reads for matching: the engine's view of the database (the active listings as an engine
Instance, one listing or pesantren as the engine sees it, the engine's quote for one pair),
suggestions for one listing, reciprocal partners of a pesantren, proposals and clearing runs.

Listings are loaded as columns (not ORM objects): the clearing run reads tens of thousands.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from exchange.auth.permissions import is_manager_of
from exchange.catalogue.models import Commodity
from exchange.clock import today_wib
from exchange.deals.prefill import contract_akad
from exchange.deals.queries import undelivered_salam_buyers
from exchange.errors import NotFound
from exchange.extensions import db
from exchange.listings.models import Listing, ListingStatus
from exchange.listings.queries import open_conditions
from exchange.matching import adapter
from exchange.matching.explain import explain
from exchange.matching.model import Explanation, Instance, choose_akad
from exchange.matching.models import (
    MatchRun,
    Proposal,
    ProposalStatus,
    RunPartnerFlow,
    RunStatus,
)
from exchange.matching.suggest import suggest
from exchange.pesantren.models import Pesantren, Regency

# The engine's view of the database ---------------------------------------------------------
LISTING_COLUMNS = (
    Listing.id,
    Listing.side,
    Listing.pesantren_id,
    Commodity.slug,
    Listing.grade,
    Listing.remaining,
    Listing.price,
    Listing.window_start,
    Listing.window_end,
    Listing.max_distance_km,
    Listing.akad,
    Listing.lat,
    Listing.lon,
    Listing.min_quantity,
)


N_COLUMNS = len(LISTING_COLUMNS)


PESANTREN_COLUMNS = (Pesantren.regency_code, Pesantren.lat, Pesantren.lon)


def road_factor() -> float:
    return float(current_app.config["ROAD_FACTOR"])


def earliest_handover(today: date) -> date:
    """The first day a deal agreed today can be handed over: tomorrow (salam needs delivery after
    the contract date, and every akad is offered alike). The engine sees each window from then."""
    return today + timedelta(days=1)


def _commodities() -> tuple[list, dict[str, tuple[str, ...]], dict[int, str]]:
    """The engine's commodities, per slug the akad the contract rules allow for it, and the
    slug of each commodity id."""
    rows = db.session.scalars(select(Commodity)).all()
    engine = [
        adapter.commodity(c.slug, c.unit, c.transport_cost_per_unit_km, c.grades) for c in rows
    ]
    return engine, {c.slug: contract_akad(c) for c in rows}, {c.id: c.slug for c in rows}


def resale_blocked(slugs: dict[int, str]) -> set[tuple[str, str]]:
    """(pesantren id, commodity slug) that may not sell now: salam goods not yet received."""
    return {(str(p), slugs[c]) for p, c in undelivered_salam_buyers()}


def instance_from_rows(rows, today: date) -> Instance:
    """An engine instance from rows that start with LISTING_COLUMNS + PESANTREN_COLUMNS (the
    listings that cannot take part in any deal are left out: adapter.build_instance)."""
    n = N_COLUMNS
    pes = {r[2]: adapter.pesantren(r[2], r[n], r[n + 1], r[n + 2]) for r in rows}
    coms, allowed, slugs = _commodities()
    return adapter.build_instance(
        road_factor(),
        coms,
        pes.values(),
        (r[:n] for r in rows),
        allowed_akad=allowed,
        earliest=earliest_handover(today),
        resale_blocked=resale_blocked(slugs),
    )


def engine_listings(rows, today: date) -> list:
    """Rows that start with LISTING_COLUMNS as the engine's listings (adapter.listing with the
    akad the commodity allows and windows from the first possible handover), less those that
    can take part in no deal: for callers that build their own instances (the digests)."""
    _coms, allowed, _slugs = _commodities()
    earliest = earliest_handover(today)
    found = (adapter.listing(r[:N_COLUMNS], allowed[r[3]], earliest) for r in rows)
    return [x for x in found if adapter.takes_part(x)]


def _active_rows(today: date) -> list:
    return db.session.execute(
        select(*LISTING_COLUMNS, *PESANTREN_COLUMNS)
        .join(Pesantren, Pesantren.id == Listing.pesantren_id)
        .join(Commodity, Commodity.id == Listing.commodity_id)
        .where(*open_conditions(today))
    ).all()


def load_instance(today: date) -> Instance:
    """Every active listing's remaining quantity as an engine instance (two queries)."""
    return instance_from_rows(_active_rows(today), today)


@dataclass(frozen=True)
class Market:
    """The clearing run's view: the instance, and every active listing's remaining quantity
    (also those the instance leaves out because they can take part in no deal)."""

    instance: Instance
    requests: dict[int, int]
    offers: dict[int, int]


def load_market(today: date) -> Market:
    rows = _active_rows(today)
    requests = {r[0]: int(r[5]) for r in rows if r[1] == "request"}
    offers = {r[0]: int(r[5]) for r in rows if r[1] == "offer"}
    return Market(instance_from_rows(rows, today), requests, offers)


def engine_listing(listing: Listing, today: date):
    """One listing as the engine sees it (adapter.listing): its remaining quantity, allowed akad
    in its order, its own place and minimum, its window from the first possible handover."""
    row = (
        listing.id,
        listing.side,
        listing.pesantren_id,
        listing.commodity.slug,
        listing.grade,
        listing.remaining,
        listing.price,
        listing.window_start,
        listing.window_end,
        listing.max_distance_km,
        listing.akad,
        listing.lat,
        listing.lon,
        listing.min_quantity,
    )
    return adapter.listing(row, contract_akad(listing.commodity), earliest_handover(today))


def engine_pesantren(listing: Listing):
    p = listing.pesantren
    return adapter.pesantren(p.id, p.regency_code, p.lat, p.lon)


@dataclass(frozen=True)
class Quote:
    """The engine's verdict on one (offer, request) pair and the terms it would propose."""

    explanation: Explanation
    fair_price: int
    akad: str | None

    @property
    def compatible(self) -> bool:
        return self.explanation.compatible


def salam_resale_rule(listings: list, com: Commodity, today: date) -> list:
    """adapter.without_salam_resale for engine listings of one commodity, with the sellers of
    that commodity (active offers) and the pesantren that may not sell it now."""
    blocked = {(str(p), com.slug) for p, c in undelivered_salam_buyers() if c == com.id}
    selling = db.session.scalars(
        select(Listing.pesantren_id)
        .join(Pesantren, Pesantren.id == Listing.pesantren_id)
        .where(
            Listing.commodity_id == com.id,
            Listing.side == "offer",
            *open_conditions(today),
        )
        .distinct()
    )
    sellers = {(str(p), com.slug) for p in selling} - blocked
    return adapter.without_salam_resale(listings, sellers, blocked)


def pair_quote(offer: Listing, request: Listing, today: date) -> Quote:
    """The single-pair rule of the engine (explain) for two listings of the database, with the
    fair price and akad a proposal of this pair would carry (the figures a suggestion shows)."""
    com = offer.commodity
    pair = [engine_listing(offer, today), engine_listing(request, today)]
    kept = {l.id: l for l in salam_resale_rule(pair, com, today)}
    # An offer that may not be sold now keeps its figures; explain() then finds no akad.
    o = kept.get(str(offer.id), replace(pair[0], akad=()))
    r = kept[str(request.id)]
    e = explain(
        o,
        r,
        engine_pesantren(offer),
        engine_pesantren(request),
        adapter.commodity(com.slug, com.unit, com.transport_cost_per_unit_km, com.grades),
        road_factor(),
    )
    fair = adapter.fair_price(o.price, r.price, e.surplus_per_unit, e.transport_cost_per_unit)
    return Quote(e, fair, choose_akad(o.akad, r.akad))


# Clearing inputs ------------------------------------------------------------------------------


def declined_pairs() -> list[tuple[str, str]]:
    """(offer id, request id) pairs a party declined: later runs do not propose them again."""
    rows = db.session.execute(
        select(Proposal.offer_id, Proposal.request_id)
        .where(Proposal.status == ProposalStatus.DECLINED.value)
        .distinct()
    ).all()
    return [(str(o), str(r)) for o, r in rows]


def commodity_ids() -> dict[str, int]:
    return dict(db.session.execute(select(Commodity.slug, Commodity.id)).all())


# Suggestions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionRow:
    listing_id: int
    side: str
    pesantren_id: int
    pesantren_name: str
    regency: str
    grade_label: str
    remaining: int
    price: int
    window_start: date
    window_end: date
    explanation: Explanation
    fair_price: int  # per unit at the seller's gate, the engine's split of the surplus
    akad: str | None = None  # model.choose_akad: the buyer's first preference the seller accepts


@dataclass
class Suggestions:
    listing: Listing
    rows: list[SuggestionRow] = field(default_factory=list)
    active: bool = True


def _visible_listing(listing_id: int, viewer, today: date) -> tuple[Listing, bool]:
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        raise NotFound()
    active = (
        listing.status == ListingStatus.ACTIVE
        and listing.remaining > 0
        and listing.window_end >= today
        and listing.pesantren.is_verified
    )
    if not active and not is_manager_of(viewer, listing.pesantren_id):
        raise NotFound()
    return listing, active


def suggestions_for(listing_id: int, viewer, today: date, limit: int = 10) -> Suggestions:
    """The best counterparts of one listing: active listings of the same commodity on the other
    side, ranked by surplus per unit, each with its explanation, fair price and akad (the
    engine's rules: places, akad, minimum quantities). Raises NotFound when the listing does not
    exist or is not active and not the viewer's own."""
    listing, active = _visible_listing(listing_id, viewer, today)
    if not active:
        return Suggestions(listing, [], active=False)
    com = listing.commodity
    other = "request" if listing.side == "offer" else "offer"
    rows = db.session.execute(
        select(*LISTING_COLUMNS, *PESANTREN_COLUMNS, Pesantren.name, Regency.name)
        .join(Pesantren, Pesantren.id == Listing.pesantren_id)
        .join(Regency, Regency.code == Pesantren.regency_code)
        .join(Commodity, Commodity.id == Listing.commodity_id)
        .where(
            Listing.commodity_id == listing.commodity_id,
            Listing.side == other,
            Listing.pesantren_id != listing.pesantren_id,
            *open_conditions(today),
        )
    ).all()
    n = N_COLUMNS
    allowed, earliest = contract_akad(com), earliest_handover(today)
    first = engine_listing(listing, today)
    both = salam_resale_rule(
        [first, *(adapter.listing(r[:n], allowed, earliest) for r in rows)], com, today
    )
    me = both[0] if both and both[0].id == first.id else None
    if me is None or not adapter.takes_part(me):
        return Suggestions(listing, [])
    pes = {me.pesantren: engine_pesantren(listing)}
    info = {}
    for r in rows:
        pes.setdefault(str(r[2]), adapter.pesantren(r[2], r[n], r[n + 1], r[n + 2]))
        info[r[0]] = r
    pool = [l for l in both[1:] if adapter.takes_part(l)]
    found = suggest(
        me,
        pool,
        pes,
        adapter.commodity(com.slug, com.unit, com.transport_cost_per_unit_km, com.grades),
        road_factor(),
        limit=limit,
    )
    out = []
    for s in found:
        r = info[int(s.listing.id)]
        e = s.explanation
        o, q = (me, s.listing) if me.side == "offer" else (s.listing, me)
        out.append(
            SuggestionRow(
                listing_id=r[0],
                side=r[1],
                pesantren_id=r[2],
                pesantren_name=r[n + 3],
                regency=r[n + 4],
                grade_label=_grade_label(com, r[4]),
                remaining=r[5],
                price=r[6],
                window_start=r[7],
                window_end=r[8],
                explanation=e,
                fair_price=adapter.fair_price(
                    o.price, q.price, e.surplus_per_unit, e.transport_cost_per_unit
                ),
                akad=choose_akad(o.akad, q.akad),
            )
        )
    return Suggestions(listing, out)


def _grade_label(com: Commodity, rank: int) -> str:
    try:
        return com.grade_label(rank)
    except IndexError:
        return str(rank)


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
        first.setdefault((pid, slug, str(side)), listing_id)
    for p in partners:
        for f in p.supplies:
            f.listing_id = first.get((p.pesantren_id, f.commodity, "offer"))
        for f in p.buys:
            f.listing_id = first.get((p.pesantren_id, f.commodity, "request"))


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
