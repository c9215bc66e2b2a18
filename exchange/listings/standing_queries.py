"""Reads for kebutuhan rutin: what a manager may repeat, and standing demand by regency."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from exchange.catalogue.models import Commodity
from exchange.clock import today_wib
from exchange.extensions import db
from exchange.listings.cadence import Cadence
from exchange.listings.models import Listing, ListingStatus, Side
from exchange.listings.queries import open_conditions
from exchange.listings.standing_models import StandingRequest
from exchange.pesantren.models import Pesantren, Regency

# Periods a month, for "standing demand a month" (52 weeks / 12 months).
PER_MONTH = {
    Cadence.WEEKLY: Decimal(52) / 12,
    Cadence.BIWEEKLY: Decimal(26) / 12,
    Cadence.MONTHLY: Decimal(1),
}


def repeatable(user, locale: str = "id") -> list[tuple[str, str]]:
    """The user's active requests, as (id, label) choices."""
    rows = db.session.scalars(
        select(Listing)
        .where(
            Listing.pesantren_id == user.pesantren_id,
            Listing.side == Side.REQUEST,
            Listing.status == ListingStatus.ACTIVE,
        )
        .order_by(Listing.id.desc())
        .limit(100)
    )
    return [
        (str(r.id), f"#{r.id} {r.commodity.name(locale)} {r.quantity} {r.commodity.unit}")
        for r in rows
    ]


def commodities(slugs: list[str]) -> dict[str, Commodity]:
    found = db.session.scalars(select(Commodity).where(Commodity.slug.in_(slugs)))
    return {c.slug: c for c in found}


def demand_by_regency(locale: str = "id") -> list[dict]:
    """Per regency and commodity: running standing demand a month, beside the unmet demand
    (what open requests still want now), both in the commodity's unit."""
    today = today_wib()
    standing: dict[tuple, Decimal] = {}
    for regency, slug, cadence, quantity in db.session.execute(
        select(
            Pesantren.regency_code,
            Commodity.slug,
            StandingRequest.cadence,
            func.sum(StandingRequest.quantity),
        )
        .join(Pesantren, Pesantren.id == StandingRequest.pesantren_id)
        .join(Commodity, Commodity.id == StandingRequest.commodity_id)
        .where(StandingRequest.stopped_at.is_(None))
        .where((StandingRequest.until.is_(None)) | (StandingRequest.until >= today))
        .group_by(Pesantren.regency_code, Commodity.slug, StandingRequest.cadence)
    ):
        key = (regency, slug)
        standing[key] = standing.get(key, Decimal(0)) + quantity * PER_MONTH[Cadence(cadence)]
    unmet = {
        (regency, slug): remaining
        for regency, slug, remaining in db.session.execute(
            select(Pesantren.regency_code, Commodity.slug, func.sum(Listing.remaining))
            .join(Pesantren, Pesantren.id == Listing.pesantren_id)
            .join(Commodity, Commodity.id == Listing.commodity_id)
            .where(Listing.side == Side.REQUEST, *open_conditions(today))
            .group_by(Pesantren.regency_code, Commodity.slug)
        )
    }
    names = dict(db.session.execute(select(Regency.code, Regency.name)).tuples().all())
    units = dict(db.session.execute(select(Commodity.slug, Commodity.unit)).tuples().all())
    labels = {c.slug: c.name(locale) for c in db.session.scalars(select(Commodity))}
    keys = sorted(set(standing) | set(unmet), key=lambda k: (names.get(k[0], ""), k[1]))
    return [
        {
            "regency": names.get(regency, regency),
            "commodity": labels.get(slug, slug),
            "unit": units.get(slug, ""),
            "standing": int(standing.get((regency, slug), 0)),
            "unmet": int(unmet.get((regency, slug), 0) or 0),
        }
        for regency, slug in keys
    ]
