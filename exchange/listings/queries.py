"""Reads: the market page, one listing, a pesantren's own listings, the matching engine's input.

Every page runs a fixed number of statements whatever the number of rows: the listing, its
pesantren (with regency) and its commodity come in one joined SELECT (the relationships are
``lazy="joined"``), plus one COUNT for the pager.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, func, or_, select

from exchange.catalogue.models import Commodity
from exchange.clock import today_wib
from exchange.extensions import db
from exchange.listings import geo
from exchange.listings.models import Listing, ListingStatus
from exchange.listings.search import keyword_search
from exchange.pesantren.models import Pesantren, Regency, short_regency_name
from exchange.pesantren.queries import trading_ids

SORTS = ("relevance", "newest", "price_asc", "price_desc", "distance")


@dataclass(frozen=True)
class MarketFilters:
    side: str | None = None
    commodity: str | None = None  # slug
    regency: str | None = None  # code
    grade: str | None = None  # label of the chosen commodity: this grade or better
    price_min: int | None = None
    price_max: int | None = None
    available_from: date | None = None
    available_to: date | None = None
    max_km: float | None = None  # road distance from the viewer's pesantren
    sort: str = "newest"  # "relevance" is the default when there are keywords
    q: str | None = None  # keywords: commodity, pesantren, regency names and the note


@dataclass(frozen=True)
class MarketRow:
    listing: Listing
    distance_km: float | None


@dataclass(frozen=True, slots=True)
class CardRow:
    """What a market card shows of a listing: columns, not an ORM object (read only)."""

    id: int
    side: str
    grade: int
    remaining: int
    price: int
    window_start: date
    window_end: date
    akad: list
    min_quantity: int | None
    commodity: Commodity
    pesantren_name: str
    regency_short_name: str
    distance_km: float | None
    pesantren_id: int = 0


@dataclass
class MarketPage:
    pagination: object
    rows: list[MarketRow]
    origin: tuple[float, float] | None  # the viewer's pesantren, when distances are known


def viewer_origin(viewer) -> tuple[float, float] | None:
    """The coordinates distances are measured from: the signed-in manager's pesantren."""
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_manager:
        return None
    pesantren = viewer.pesantren
    return (pesantren.lat, pesantren.lon) if pesantren is not None else None


def open_conditions(today: date) -> tuple:
    """An open listing in SQL: the twin of ``policy.is_open`` (tests/listings/test_policy.py
    pins the two together). The market, the engine, suggestions, digests and the dashboard."""
    return (
        Listing.status == ListingStatus.ACTIVE,
        Listing.remaining > 0,
        Listing.window_end >= today,
        Listing.pesantren_id.in_(trading_ids()),
    )


def _chord2(origin: tuple[float, float]):
    x, y, z = geo.unit_vector(*origin)
    dx, dy, dz = Listing.geo_x - x, Listing.geo_y - y, Listing.geo_z - z
    return dx * dx + dy * dy + dz * dz


def market_statement(
    filters: MarketFilters, origin, today: date, after: tuple | None = None, with_keys=False
) -> Select:
    """The ids of the open listings that pass the filters, in the chosen order; ``after``:
    only those after the row with these sort keys (a keyset page), ``with_keys``: each id with
    its sort keys (what ``after`` takes)."""
    stmt = select(Listing.id).where(*open_conditions(today))
    if filters.side:
        stmt = stmt.where(Listing.side == filters.side)
    commodity = None
    if filters.commodity:
        commodity = db.session.scalar(select(Commodity).where(Commodity.slug == filters.commodity))
        stmt = stmt.where(Listing.commodity_id == (commodity.id if commodity else -1))
    if commodity is not None and filters.grade in commodity.grades:
        stmt = stmt.where(Listing.grade >= commodity.grade_rank(filters.grade))
    if filters.regency:
        in_regency = select(Pesantren.id).where(Pesantren.regency_code == filters.regency)
        stmt = stmt.where(Listing.pesantren_id.in_(in_regency))
    if filters.price_min is not None:
        stmt = stmt.where(Listing.price >= filters.price_min)
    if filters.price_max is not None:
        stmt = stmt.where(Listing.price <= filters.price_max)
    if filters.available_from is not None:
        stmt = stmt.where(Listing.window_end >= filters.available_from)
    if filters.available_to is not None:
        stmt = stmt.where(Listing.window_start <= filters.available_to)
    score = None
    if filters.q:
        stmt, score = keyword_search(stmt, filters.q)
    road_factor = current_app.config["ROAD_FACTOR"]
    if origin is not None and filters.max_km is not None:
        # A latitude/longitude box (index-friendly, a little too wide) narrows the rows; the
        # chord then decides exactly.
        (lat_lo, lat_hi), (lon_lo, lon_hi) = geo.bounding_box(*origin, filters.max_km, road_factor)
        stmt = stmt.where(
            Listing.lat.between(lat_lo, lat_hi),
            Listing.lon.between(lon_lo, lon_hi),
            _chord2(origin) <= geo.chord2_limit(filters.max_km, road_factor),
        )
    keys = _order_keys(filters.sort, origin, score if filters.sort == "relevance" else None)
    if after is not None:
        stmt = stmt.where(_after(keys, after))
    stmt = stmt.order_by(*(e.desc() if down else e.asc() for e, down in keys))
    return stmt.add_columns(*(e for e, _down in keys)) if with_keys else stmt


def _order_keys(sort: str, origin, score=None) -> list[tuple]:
    """The sort as (expression, descending) pairs; the id last, so every row has its place."""
    if sort == "price_asc":
        keys = [(Listing.price, False)]
    elif sort == "price_desc":
        keys = [(Listing.price, True)]
    elif sort == "distance" and origin is not None:
        keys = [(_chord2(origin), False)]
    else:
        keys = [(Listing.created_at, True)]
    if score is not None:
        keys = [(score, True), *keys]
    return [*keys, (Listing.id, True)]


def _after(keys: list[tuple], values: tuple):
    """The rows that come after the row with these key values in this order."""
    (expr, down), value = keys[0], values[0]
    beyond = expr < value if down else expr > value
    if len(keys) == 1:
        return beyond
    return or_(beyond, and_(expr == value, _after(keys[1:], values[1:])))


def market_total(filters: MarketFilters, viewer, today=None) -> int:
    """How many open listings pass the filters."""
    stmt = market_statement(filters, viewer_origin(viewer), today or today_wib())
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))


def market_after(filters: MarketFilters, viewer, after: tuple | None, limit: int, today=None):
    """A keyset page of the market: up to ``limit`` rows after the row whose sort keys are
    ``after`` (None: from the top), and the last row's keys (None: no row came). A listing
    posted meanwhile neither repeats nor skips a row (an offset page would)."""
    origin = viewer_origin(viewer)
    stmt = market_statement(filters, origin, today or today_wib(), after, with_keys=True)
    found = list(db.session.execute(stmt.limit(limit)))
    ids = [row[0] for row in found]
    listings = {x.id: x for x in db.session.scalars(select(Listing).where(Listing.id.in_(ids)))}
    rows = [
        MarketRow(listings[i], distance_from(origin, listings[i])) for i in ids if i in listings
    ]
    return rows, (tuple(found[-1][1:]) if found else None)


def market_page(filters: MarketFilters, viewer, page: int = 1, today: date | None = None):
    """One page of open listings (active, something remaining, window not passed)."""
    origin = viewer_origin(viewer)
    stmt = market_statement(filters, origin, today or today_wib())
    pagination = _IdsThenRows(
        page=max(1, page), per_page=current_app.config["PAGE_SIZE"], error_out=False, ids=stmt
    )
    return MarketPage(
        pagination, [MarketRow(x, distance_from(origin, x)) for x in pagination.items], origin
    )


def market_cards(filters: MarketFilters, viewer, page: int = 1, today: date | None = None):
    """The same page as ``market_page`` for the HTML market: its rows are ``CardRow`` tuples
    read as columns (the page only reads them; no ORM objects to build)."""
    origin = viewer_origin(viewer)
    stmt = market_statement(filters, origin, today or today_wib())
    pagination = _IdsThenCards(
        page=max(1, page),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
        ids=stmt,
        origin=origin,
    )
    return MarketPage(pagination, pagination.items, origin)


class _IdsThenRows(Pagination):
    """Page through ids on the listings table alone (the sort and LIMIT need no join), then
    load that page's listings with their pesantren and commodity in one joined SELECT."""

    def _query_items(self) -> list[Listing]:
        stmt = self._query_args["ids"]
        ids = list(db.session.scalars(stmt.limit(self.per_page).offset(self._offset)))
        if not ids:
            return []
        found = {x.id: x for x in db.session.scalars(select(Listing).where(Listing.id.in_(ids)))}
        return [found[i] for i in ids if i in found]

    def _query_count(self) -> int:
        stmt = self._query_args["ids"].order_by(None).subquery()
        return db.session.scalar(select(func.count()).select_from(stmt))

    @property
    def _offset(self) -> int:
        return (self.page - 1) * self.per_page


class _IdsThenCards(_IdsThenRows):
    """The page's ids as above, then its cards' columns in one joined SELECT.

    The count stops at ``MARKET_COUNT_CAP`` rows (or just past this page, deeper): past it the
    page says "more than" (``capped``), and the database reads a few thousand rows instead of
    every open listing. ``total`` is then ``capped + 1``, so the pager still offers the next page.
    """

    capped: int | None = None

    def _query_count(self) -> int:
        cap = max(current_app.config["MARKET_COUNT_CAP"], self._offset + self.per_page)
        stmt = self._query_args["ids"].order_by(None).limit(cap + 1).subquery()
        total = db.session.scalar(select(func.count()).select_from(stmt))
        if total > cap:
            self.capped = cap
        return total

    def _query_items(self) -> list[CardRow]:
        stmt = self._query_args["ids"]
        ids = list(db.session.scalars(stmt.limit(self.per_page).offset(self._offset)))
        if not ids:
            return []
        l = Listing  # noqa: E741
        columns = (
            select(
                l.id,
                l.side,
                l.grade,
                l.remaining,
                l.price,
                l.window_start,
                l.window_end,
                l.akad,
                l.min_quantity,
                l.commodity_id,
                l.lat,
                l.lon,
                Pesantren.name,
                Regency.name,
                l.pesantren_id,
            )
            .join(Pesantren, Pesantren.id == l.pesantren_id)
            .join(Regency, Regency.code == Pesantren.regency_code)
            .where(l.id.in_(ids))
        )
        found = {row[0]: row for row in db.session.execute(columns)}
        commodities = _commodities({row[9] for row in found.values()})
        origin = self._query_args["origin"]
        factor = current_app.config["ROAD_FACTOR"]
        out = []
        for i in ids:
            if i not in found:
                continue
            r = found[i]
            km = None if origin is None else geo.road_km(*origin, r[10], r[11], factor)
            out.append(
                CardRow(*r[:9], commodities[r[9]], r[12], short_regency_name(r[13]), km, r[14])
            )
        return out


def _commodities(ids: set[int]) -> dict[int, Commodity]:
    """The commodities by id; the identity map has the active ones already (filter_choices)."""
    return {i: db.session.get(Commodity, i) for i in ids}


def distance_from(origin, listing: Listing) -> float | None:
    if origin is None:
        return None
    return geo.road_km(*origin, listing.lat, listing.lon, current_app.config["ROAD_FACTOR"])


def visible_listing(viewer, listing_id: int) -> Listing | None:
    """A listing anyone may see; one hidden by staff only for its pesantren and staff."""
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        return None
    if listing.status == ListingStatus.HIDDEN:
        own = getattr(viewer, "is_authenticated", False) and (
            viewer.is_staff or viewer.pesantren_id == listing.pesantren_id
        )
        return listing if own else None
    return listing


def commodity_in_use(commodity_id: int) -> bool:
    """Does any listing (of any status) use the commodity? Its grades may not change then."""
    found = select(Listing.id).where(Listing.commodity_id == commodity_id).limit(1)
    return db.session.scalar(found) is not None


def my_listings(user, page: int = 1):
    stmt = (
        select(Listing)
        .where(Listing.pesantren_id == user.pesantren_id)
        .order_by(Listing.created_at.desc(), Listing.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=current_app.config["PAGE_SIZE"], error_out=False)


def active_listings(today: date | None = None) -> list[Listing]:
    """Every open listing, for the matching engine: one SELECT, pesantren and commodity joined."""
    stmt = select(Listing).where(*open_conditions(today or today_wib())).order_by(Listing.id)
    return list(db.session.scalars(stmt).unique())


def instance_row(listing: Listing) -> dict:
    """A listing in the matching engine's instance format (FORMAT.md, format 2)."""
    row = {
        "id": f"L{listing.id:06d}",
        "side": listing.side,
        "pesantren": f"P{listing.pesantren_id:05d}",
        "commodity": listing.commodity.slug,
        "grade": listing.grade,
        "quantity": listing.remaining,
        "price": listing.price,
        "window": [listing.window_start.isoformat(), listing.window_end.isoformat()],
        "akad": list(listing.akad),
        "lat": listing.lat,
        "lon": listing.lon,
    }
    if listing.side == "request" and listing.max_distance_km is not None:
        row["max_distance_km"] = listing.max_distance_km
    if listing.min_quantity is not None:
        row["min_quantity"] = listing.min_quantity
    return row


def filter_choices() -> tuple[list[Commodity], list[Regency]]:
    commodities = list(
        db.session.scalars(select(Commodity).where(Commodity.active).order_by(Commodity.name_id))
    )
    regencies = list(db.session.scalars(select(Regency).order_by(Regency.code)))
    return commodities, regencies
