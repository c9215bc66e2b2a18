"""The engine's view of the database: the open listings as an engine Instance, one listing or
pesantren as the engine sees it, the engine's quote for one pair, the pairs declined.

Listings are loaded as columns (not ORM objects): the clearing run reads tens of thousands.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from exchange.catalogue.models import Commodity
from exchange.extensions import db
from exchange.listings.models import Listing
from exchange.listings.policy import held_offers
from exchange.listings.queries import open_conditions
from exchange.matching import adapter
from exchange.matching.explain import explain
from exchange.matching.model import Explanation, Instance, choose_akad
from exchange.matching.models import (
    Proposal,
    ProposalStatus,
)
from exchange.matching.policy import contract_akad
from exchange.pesantren.models import Pesantren

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
    return {(str(p), slugs[c]) for p, c in held_offers()}


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
    blocked = {(str(p), com.slug) for p, c in held_offers() if c == com.id}
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
