"""The unmet-demand page's reads: the latest clearing run's unmet requests and idle offers
(``matching.services``), grouped by the database, with the listing's commodity and the
pesantren's regency as of now."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from exchange.dashboard.filters import Filters
from exchange.extensions import db
from exchange.listings.models import Listing
from exchange.matching.models import RunIdleOffer, RunUnmetRequest
from exchange.pesantren.models import Pesantren

Offer = aliased(Listing, name="offer")
OfferOwner = aliased(Pesantren, name="offer_owner")


@dataclass(frozen=True)
class GapRow:
    request_id: int
    buyer_id: int
    buyer_regency: str
    commodity_id: int
    unmet: int
    price: int
    offer_id: int | None
    seller_id: int | None
    seller_regency: str | None
    distance_km: float | None
    delivered_price: int | None
    price_gap: int | None
    blocked_by: str


def _filtered(q, f: Filters):
    if f.commodity_id:
        q = q.where(Listing.commodity_id == f.commodity_id)
    if f.regency_code:
        q = q.where(Pesantren.regency_code == f.regency_code)
    return q


def _cells(model, listing_col, qty_col, run_id: int, f: Filters) -> dict:
    """(commodity id, regency code) -> [listings, quantity] for one by-product table."""
    q = (
        select(Listing.commodity_id, Pesantren.regency_code, func.count(), func.sum(qty_col))
        .select_from(model)
        .join(Listing, Listing.id == listing_col)
        .join(Pesantren, Pesantren.id == Listing.pesantren_id)
        .where(model.run_id == run_id)
        .group_by(Listing.commodity_id, Pesantren.regency_code)
    )
    return {(c, r): [int(n), int(s)] for c, r, n, s in db.session.execute(_filtered(q, f))}


def unmet_cells(run_id: int, f: Filters) -> dict:
    return _cells(RunUnmetRequest, RunUnmetRequest.request_id, RunUnmetRequest.unmet, run_id, f)


def idle_cells(run_id: int, f: Filters) -> dict:
    return _cells(RunIdleOffer, RunIdleOffer.offer_id, RunIdleOffer.quantity, run_id, f)


def top_gaps(run_id: int, f: Filters, limit: int = 50) -> list[GapRow]:
    """The most unmet requests of the run (ties: the lower listing id) with what stands in the
    way; an offer and its owner when the run named one."""
    g = RunUnmetRequest
    q = (
        select(
            g.request_id,
            Listing.pesantren_id,
            Pesantren.regency_code,
            Listing.commodity_id,
            g.unmet,
            Listing.price,
            g.offer_id,
            Offer.pesantren_id,
            OfferOwner.regency_code,
            g.distance_km,
            g.delivered_price,
            g.price_gap,
            g.blocked_by,
        )
        .select_from(g)
        .join(Listing, Listing.id == g.request_id)
        .join(Pesantren, Pesantren.id == Listing.pesantren_id)
        .outerjoin(Offer, Offer.id == g.offer_id)
        .outerjoin(OfferOwner, OfferOwner.id == Offer.pesantren_id)
        .where(g.run_id == run_id)
        .order_by(g.unmet.desc(), g.request_id)
        .limit(limit)
    )
    return [GapRow(*r) for r in db.session.execute(_filtered(q, f))]
