"""One listing's suggestions: the best counterparts the engine's rules allow, explained."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from exchange.auth.permissions import is_manager_of
from exchange.catalogue.models import Commodity
from exchange.errors import NotFound
from exchange.extensions import db
from exchange.listings.models import Listing
from exchange.listings.policy import is_open, other_side
from exchange.listings.queries import open_conditions
from exchange.matching import adapter
from exchange.matching.model import Explanation, choose_akad
from exchange.matching.policy import contract_akad
from exchange.matching.queries.instance import (
    LISTING_COLUMNS,
    N_COLUMNS,
    PESANTREN_COLUMNS,
    earliest_handover,
    engine_listing,
    engine_pesantren,
    road_factor,
    salam_resale_rule,
)
from exchange.matching.suggest import suggest
from exchange.pesantren.models import Pesantren, Regency

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
    active = is_open(listing, today)
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
    other = other_side(listing.side)
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
