"""Pool suggestions for one pesantren (patungan, issue 30): its open requests that fail only on
a seller's minimum and, grouped at a hub with other such requests nearby, reach it
(``matching/pools.py`` over the open listings of the commodities it requests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from exchange.catalogue.models import Commodity
from exchange.extensions import db
from exchange.listings.models import Listing, Side
from exchange.listings.queries import open_conditions
from exchange.matching import pools
from exchange.matching.queries.instance import (
    LISTING_COLUMNS,
    PESANTREN_COLUMNS,
    instance_from_rows,
)
from exchange.pesantren.models import Pesantren


@dataclass(frozen=True)
class PoolHint:
    request_id: int  # the pesantren's own request
    hub_listing_id: int  # the request whose place is the hub
    offer_id: int
    commodity_id: int
    pesantren_count: int  # pesantren in the suggested pool, the reader's included
    quantity: int  # their total
    minimum: int  # the offer's minimum they reach together


def pool_hints(pesantren_id: int, today: date) -> list[PoolHint]:
    """The pools the engine would suggest that hold one of the pesantren's open requests."""
    mine = select(Listing.commodity_id).where(
        Listing.pesantren_id == pesantren_id,
        Listing.side == Side.REQUEST.value,
        *open_conditions(today),
    )
    rows = db.session.execute(
        select(*LISTING_COLUMNS, *PESANTREN_COLUMNS)
        .join(Pesantren, Pesantren.id == Listing.pesantren_id)
        .join(Commodity, Commodity.id == Listing.commodity_id)
        .where(*open_conditions(today), Listing.commodity_id.in_(mine))
    ).all()
    if not rows:
        return []
    instance = instance_from_rows(rows, today)
    by_id = {l.id: l for l in instance.listings}
    commodity = {str(r[0]): r for r in rows}
    slug_id = dict(db.session.execute(select(Commodity.slug, Commodity.id)).all())
    out = []
    for s in pools.suggest(instance):
        own = [r for r in s.requests if by_id[r].pesantren == str(pesantren_id)]
        if not own:
            continue
        offer = by_id[s.offer]
        out.append(
            PoolHint(
                int(own[0]),
                int(s.hub),
                int(s.offer),
                slug_id[commodity[s.offer][3]],
                len({by_id[r].pesantren for r in s.requests}),
                s.quantity,
                offer.min_quantity or 1,
            )
        )
    return out
