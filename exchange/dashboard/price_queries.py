"""The staff prices page's read: median offer, request and contract prices per week."""

from __future__ import annotations

from flask_babel import get_locale
from sqlalchemy import select

from exchange.catalogue.models import Commodity
from exchange.dashboard import memo
from exchange.dashboard.filters import Filters
from exchange.dashboard.models import ContractFact as F
from exchange.dashboard.queries import CONTRACTED, _contracts, _listings
from exchange.dashboard.sqlutil import dialect_name, grouped_median, week_start
from exchange.extensions import db
from exchange.listings.models import Listing, Side


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
    for cid, week, median in memo.kept("contract_prices", f, lambda: _contract_medians(f)):
        cells.setdefault((cid, week), {})["contract"] = median
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
                c.name(str(get_locale() or "id")),
                c.unit,
                week,
                got.get("offer"),
                got.get("request"),
                got.get("contract"),
                c.reference_price,
            )
        )
    return sorted(rows, key=lambda r: (r[0], r[3]))


def _contract_medians(f: Filters) -> tuple[tuple[int, str, int], ...]:
    """(commodity id, week Monday, median contract price) of the period's contracts."""
    inner = _contracts(
        f,
        F.commodity_id.label("cid"),
        week_start(F.signed_at, dialect_name(db.session)).label("week"),
        F.unit_price.label("price"),
    ).where(F.state.in_(CONTRACTED))
    rows = db.session.execute(grouped_median(inner, ["cid", "week"], "price"))
    return tuple((cid, str(week), round(float(median))) for cid, week, median in rows)
