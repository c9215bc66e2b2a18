"""Read endpoints: the catalogue, the market, listings, pesantren, suggestions, the token
owner's proposals, deals and notifications, and the staff figures. The pages' own queries."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import g, request
from flask_babel import lazy_gettext as _l

from exchange.api import present, schemas, versions
from exchange.api.guard import acting_user, needs
from exchange.api.scopes import Scope
from exchange.api.spec import responses, spec
from exchange.api.views import bp
from exchange.auth.permissions import require_own, require_staff
from exchange.clock import today_wib
from exchange.dashboard import queries as dashboard
from exchange.dashboard.filters import Filters, default_period
from exchange.deals import facts
from exchange.deals import queries as deal_queries
from exchange.deals.visibility import visible_deal
from exchange.errors import Invalid, NotFound
from exchange.listings import queries as listing_queries
from exchange.listings.forms import parse_market
from exchange.matching import queries as matching
from exchange.pesantren.queries import visible_pesantren

BAD_CURSOR = _l("Kursor halaman tidak dikenal; mulai lagi dari halaman pertama.")
READ = ("read",)


@bp.get("/commodities")
@spec.validate(resp=responses(200, schemas.CommodityList), tags=READ)
@needs(Scope.READ)
def commodities():
    """The commodity catalogue."""
    found, _regencies = listing_queries.filter_choices()
    return schemas.CommodityList(items=[schemas.Commodity.model_validate(c) for c in found])


@bp.get("/regencies")
@spec.validate(resp=responses(200, schemas.RegencyList), tags=READ)
@needs(Scope.READ)
def regencies():
    """East Java's regencies and cities."""
    _commodities, found = listing_queries.filter_choices()
    return schemas.RegencyList(items=[schemas.Regency.model_validate(r) for r in found])


def _market_key(cursor: str | None, sort: str) -> tuple | None:
    """The sort keys a market cursor carries (made by ``_market_cursor`` for this sort)."""
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii") + b"==").decode("ascii")
        named, values = json.loads(text)
        key = tuple(_key_value(v) for v in values)
    except (ValueError, TypeError, binascii.Error, UnicodeError):
        raise Invalid(BAD_CURSOR, field="cursor") from None
    if named != sort or not 2 <= len(key) <= 3:
        raise Invalid(BAD_CURSOR, field="cursor")
    return key


def _key_value(value):
    if isinstance(value, list) and len(value) == 2 and value[0] == "t":
        when = datetime.fromisoformat(value[1])
        if when.tzinfo is None or not 2000 <= when.year <= 2100:
            raise ValueError(value)
        return when
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(value)
    return value


def _market_cursor(sort: str, key: tuple) -> str:
    values = [["t", v.isoformat()] if isinstance(v, datetime) else v for v in key]
    text = json.dumps([sort, values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode("ascii").rstrip("=")


@bp.get("/listings")
@spec.validate(query=schemas.MarketQuery, resp=responses(200, schemas.MarketPage), tags=READ)
@needs(Scope.READ)
def market(query: schemas.MarketQuery):
    """The market: the filters, sorting, distance and keywords of /pasar, ``limit`` listings
    (at most 100) at a time. ``next_cursor`` (also as ``Link: rel="next"``) marks the last
    listing shown: the next page starts after it, so listings posted meanwhile neither repeat
    nor skip a row."""
    known_c, known_r = listing_queries.filter_choices()
    filters, notices = parse_market(
        request.args, {c.slug for c in known_c}, {r.code for r in known_r}
    )
    user = acting_user()
    after = _market_key(query.cursor, filters.sort)
    rows, last = listing_queries.market_after(filters, user, after, query.limit)
    cursor = None
    if last is not None and len(rows) == query.limit:
        cursor = _market_cursor(filters.sort, last)
        args = {**request.args.to_dict(), "cursor": cursor}
        g.api_link = f'<{request.base_url}?{urlencode(args)}>; rel="next"'
    return schemas.MarketPage(
        items=[present.listing(r.listing, r.distance_km) for r in rows],
        total=listing_queries.market_total(filters, user),
        next_cursor=cursor,
        notices=[str(n) for n in notices],
    )


@bp.get("/listings/<int:listing_id>")
@spec.validate(resp=responses(200, schemas.Listing), tags=READ)
@needs(Scope.READ)
def listing(listing_id: int):
    """One listing (a listing hidden by staff only for its own pesantren)."""
    user = acting_user()
    found = listing_queries.visible_listing(user, listing_id)
    if found is None:
        raise NotFound()
    origin = listing_queries.viewer_origin(user)
    versions.shows(found.version)
    return present.listing(found, listing_queries.distance_from(origin, found))


@bp.get("/listings/<int:listing_id>/suggestions")
@spec.validate(resp=responses(200, schemas.SuggestionList), tags=READ)
@needs(Scope.READ)
def suggestions(listing_id: int):
    """The matching engine's best counterparts of one of the token owner's listings."""
    user = acting_user()
    found = listing_queries.visible_listing(user, listing_id)
    require_own(user, found.pesantren_id if found else None)
    result = matching.suggestions_for(listing_id, user, today_wib())
    return schemas.SuggestionList(
        listing_id=listing_id,
        active=result.active,
        items=[present.suggestion(r) for r in result.rows],
    )


@bp.get("/pesantren/<int:pesantren_id>")
@spec.validate(resp=responses(200, schemas.Pesantren), tags=READ)
@needs(Scope.READ)
def pesantren(pesantren_id: int):
    """A pesantren's public page."""
    p = visible_pesantren(acting_user(), pesantren_id)
    rep = deal_queries.reputation(p.id)
    return schemas.Pesantren(
        id=p.id,
        name=p.name,
        kopontren_name=p.kopontren_name,
        regency_code=p.regency_code,
        regency_name=p.regency.name,
        status=p.status,
        santri_count=p.santri_count,
        products=p.products or "",
        lat=p.lat,
        lon=p.lon,
        reputation=schemas.Reputation(
            completed=rep.completed_deals,
            rating_count=rep.ratings,
            rating_average=rep.average_rating,
        ),
    )


@bp.get("/proposals")
@spec.validate(resp=responses(200, schemas.ProposalList), tags=READ)
@needs(Scope.READ)
def proposals():
    """The clearing run's open proposals for the token's pesantren."""
    user = acting_user()
    found = matching.my_proposals(user.pesantren_id) if user.pesantren_id else []
    return schemas.ProposalList(items=[schemas.Proposal.model_validate(p) for p in found])


def _deal_key(cursor: str | None) -> tuple | None:
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii") + b"==").decode("ascii")
        moved, _bar, deal_id = text.partition("|")
        key = datetime.fromisoformat(moved), int(deal_id)
    except (ValueError, binascii.Error, UnicodeError):
        raise Invalid(BAD_CURSOR, field="cursor") from None
    if key[0].tzinfo is None or not 2000 <= key[0].year <= 2100:
        raise Invalid(BAD_CURSOR, field="cursor")
    return key


@bp.get("/deals")
@spec.validate(query=schemas.DealsQuery, resp=responses(200, schemas.DealList), tags=READ)
@needs(Scope.READ)
def deals(query: schemas.DealsQuery):
    """The token's pesantren's deals (staff: every deal), the latest move first, a page of
    ``limit`` at a time (``next_cursor``, also as ``Link: rel="next"``); ``updated_since``
    keeps the deals moved since then (a sync reads from its last run)."""
    since = query.updated_since
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)  # a time without its zone is UTC, as stored
    if since is not None and not 2000 <= since.year <= 2100:
        raise Invalid(_l("Waktu di luar rentang 2000-2100."), field="updated_since")
    found = deal_queries.deals_page(acting_user(), since, _deal_key(query.cursor), query.limit)
    cursor = None
    if len(found) == query.limit:
        last = found[-1]
        key = f"{last.last_move_at.isoformat()}|{last.id}".encode()
        cursor = base64.urlsafe_b64encode(key).decode("ascii").rstrip("=")
        args = {**request.args.to_dict(), "cursor": cursor}
        g.api_link = f'<{request.base_url}?{urlencode(args)}>; rel="next"'
    items = [present.deal_summary(d, facts.awaited_by_side(d)) for d in found]
    return schemas.DealList(items=items, next_cursor=cursor)


@bp.get("/deals/<int:deal_id>")
@spec.validate(resp=responses(200, schemas.Deal), tags=READ)
@needs(Scope.READ)
def deal(deal_id: int):
    """One deal with its versions, payments and delivery (another pesantren's: 404)."""
    user = acting_user()
    return deal_body(visible_deal(user, deal_id), user)


def deal_body(found, user) -> schemas.Deal:
    """One deal as the API shows it, with deals' own facts: the amount due, what it waits for
    from whom, the moves the token's pesantren may make now."""
    versions.shows(found.version)
    bundle = deal_queries.bundle_of(found.id)
    party = user.pesantren_id in (found.seller_pesantren_id, found.buyer_pesantren_id)
    return present.deal(
        found,
        user,
        facts.amount_due(found),
        facts.awaited_by_side(found),
        facts.moves_of(found, user.pesantren_id),
        bundle,
        deal_queries.bundle_candidates(found) if bundle is None and party else (),
    )


@bp.get("/notifications")
@spec.validate(resp=responses(200, schemas.NotificationList), tags=READ)
@needs(Scope.READ)
def notifications():
    """The token owner's latest notifications."""
    found = deal_queries.notifications(acting_user())
    return schemas.NotificationList(items=[present.notification(n) for n in found])


def _staff_filters(query: schemas.StaffQuery) -> Filters:
    """The dashboard's filters: the default period, a commodity slug, a regency code."""
    require_staff(acting_user())
    start, end = default_period(today_wib())
    start, end = query.start or start, query.end or end
    if start > end:
        raise Invalid(_l("Tanggal akhir sebelum tanggal awal."), field="end")
    chosen = next((c for c in dashboard.commodities() if c.slug == query.commodity), None)
    codes = {r.code for r in dashboard.regencies()}
    regency = query.regency if query.regency in codes else None
    return Filters(
        start, end, chosen.id if chosen else None, regency, chosen.slug if chosen else None
    )


@bp.get("/staff/figures")
@spec.validate(query=schemas.StaffQuery, resp=responses(200, schemas.Figures), tags=("staff",))
@needs(Scope.STAFF)
def staff_figures(query: schemas.StaffQuery):
    """The staff dashboard's figures for a period (staff tokens)."""
    f = _staff_filters(query)
    figures = dashboard.figures(f, today_wib())
    values = {k: v for k, v in vars(figures).items() if isinstance(v, int | float) or v is None}
    return schemas.Figures(start=f.start, end=f.end, figures=values)


@bp.get("/staff/flows")
@spec.validate(query=schemas.StaffQuery, resp=responses(200, schemas.FlowList), tags=("staff",))
@needs(Scope.STAFF)
def staff_flows(query: schemas.StaffQuery):
    """The trade flows between pesantren: one row per seller and buyer, with their names and
    their regencies' (staff tokens)."""
    f = _staff_filters(query)
    edges = dashboard.edges(f)
    people = dashboard.pesantren_names([e.seller_id for e in edges] + [e.buyer_id for e in edges])
    places = {r.code: r.name for r in dashboard.regencies()}
    items = [
        schemas.Flow(
            **vars(e),
            seller_name=people.get(e.seller_id, ("", ""))[0],
            buyer_name=people.get(e.buyer_id, ("", ""))[0],
            seller_regency_name=places.get(e.seller_regency, e.seller_regency),
            buyer_regency_name=places.get(e.buyer_regency, e.buyer_regency),
        )
        for e in edges
    ]
    return schemas.FlowList(start=f.start, end=f.end, items=items)
