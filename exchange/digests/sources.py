"""Where the digest rows come from: one function per section, batched over many readers.

Each manager-section function takes the readers' pesantren ids and returns
``{pesantren_id: [rows]}``, so a run over 10,000 managers costs a few queries per chunk,
not a few per person. The matching sections are in ``match_sources``, the deal sections and
staff's deal figures in ``deal_sources``; this module holds the listing sections and assembles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select

from exchange.catalogue.models import Commodity
from exchange.clock import today_wib
from exchange.digests import deal_sources, match_sources
from exchange.digests.periods import Window
from exchange.digests.rows import (
    ExpiringListingRow,
    ManagerRows,
    MarketRow,
    PendingPesantrenRow,
    StaffRows,
    TradeFigureRow,
)
from exchange.extensions import db
from exchange.listings.models import Listing, ListingStatus, Side
from exchange.listings.queries import open_conditions
from exchange.netting import queries as netting_queries
from exchange.pesantren.models import Pesantren, PesantrenStatus
from exchange.web.links import Link

Batch = dict[int, list]


# Manager sections -------------------------------------------------------------------------


def expiring_listings(
    pesantren_ids: list[int], today: date, days: int, link: Link
) -> dict[int, list[ExpiringListingRow]]:
    """Active listings with something left whose window ends within ``days`` days."""
    if not pesantren_ids:
        return {}
    rows = db.session.execute(
        select(
            Listing.id,
            Listing.pesantren_id,
            Listing.side,
            Listing.remaining,
            Listing.window_end,
            Commodity.name_id,
            Commodity.name_en,
            Commodity.unit,
        )
        .join(Commodity, Commodity.id == Listing.commodity_id)
        .where(Listing.pesantren_id.in_(pesantren_ids))
        .where(*open_conditions(today))
        .where(Listing.window_end <= today + timedelta(days=days))
        .order_by(Listing.window_end, Listing.id)
    )
    out: Batch = defaultdict(list)
    for r in rows:
        out[r.pesantren_id].append(
            ExpiringListingRow(
                listing_id=r.id,
                side=r.side,
                commodity=r.name_id,
                commodity_en=r.name_en,
                unit=r.unit,
                remaining=r.remaining,
                window_end=r.window_end,
                url=link("listings.detail", listing_id=r.id),
            )
        )
    return out


def commodities_of(pesantren_ids: list[int], win: Window) -> dict[int, set[int]]:
    """A reader's commodities: those of their active listings and of listings made lately."""
    if not pesantren_ids:
        return {}
    rows = db.session.execute(
        select(Listing.pesantren_id, Listing.commodity_id)
        .where(Listing.pesantren_id.in_(pesantren_ids))
        .where(
            or_(
                Listing.status == ListingStatus.ACTIVE,
                Listing.created_at >= win.previous_start,
            )
        )
        .distinct()
    )
    out: dict[int, set[int]] = defaultdict(set)
    for pid, cid in rows:
        out[pid].add(cid)
    return out


def market_prices(win: Window, link: Link) -> dict[int, MarketRow]:
    """Offer and request prices of listings created this period and the one before."""
    rows = db.session.execute(
        select(Listing.commodity_id, Listing.side, Listing.price, Listing.created_at)
        .where(Listing.created_at >= win.previous_start)
        .where(Listing.created_at < win.end)
        .where(Listing.status != ListingStatus.HIDDEN)
    )
    prices: dict[tuple[int, str, bool], list[int]] = defaultdict(list)
    for cid, side, price, created_at in rows:
        prices[(cid, side, created_at >= win.start)].append(int(price))
    ids = {key[0] for key in prices}
    if not ids:
        return {}
    commodities = db.session.scalars(select(Commodity).where(Commodity.id.in_(ids)))
    out = {}
    for c in commodities:
        out[c.id] = MarketRow(
            commodity_slug=c.slug,
            commodity=c.name_id,
            commodity_en=c.name_en,
            unit=c.unit,
            url=link("listings.market", commodity=c.slug),
            offers_now=tuple(prices[(c.id, Side.OFFER, True)]),
            offers_before=tuple(prices[(c.id, Side.OFFER, False)]),
            requests_now=tuple(prices[(c.id, Side.REQUEST, True)]),
            requests_before=tuple(prices[(c.id, Side.REQUEST, False)]),
        )
    return out


def manager_rows(
    pesantren_ids: list[int],
    win: Window,
    now: datetime,
    link: Link,
    expiring_days: int,
    market: dict[int, MarketRow] | None = None,
    run: match_sources.MarketOfRun | None = None,
) -> dict[int, ManagerRows]:
    """Every manager section for a batch of pesantren. ``market`` (prices) and ``run`` (the
    period's new listings, partners) are read once per digest run and passed to every batch;
    without ``run`` (one reader's page), partners come from the partners page's own query."""
    today = today_wib(now)
    market = market_prices(win, link) if market is None else market
    proposals = match_sources.new_proposals(pesantren_ids, win, link)
    batch = run or match_sources.load_market(win, now)
    suggestions = match_sources.best_suggestions(pesantren_ids, batch, link)
    if run is not None:
        partners = match_sources.new_partners(pesantren_ids, run, link)
    else:
        partners = match_sources.partners_of_one(pesantren_ids, batch, link)
    moves = deal_sources.moves_waiting(pesantren_ids, now, link)
    tasks = deal_sources.deal_tasks(pesantren_ids, now, link)
    netting = netting_queries.pending_confirmations(pesantren_ids, link)
    expiring = expiring_listings(pesantren_ids, today, expiring_days, link)
    commodities = commodities_of(pesantren_ids, win) if market else {}
    return {
        pid: ManagerRows(
            proposals=tuple(proposals.get(pid, ())),
            suggestions=tuple(suggestions.get(pid, ())),
            partners=tuple(partners.get(pid, ())),
            moves=tuple(moves.get(pid, ())),
            deal_tasks=tuple(tasks.get(pid, ())),
            expiring=tuple(expiring.get(pid, ())),
            market=tuple(market[c] for c in sorted(commodities.get(pid, ())) if c in market),
            netting=tuple(netting.get(pid, ())),
        )
        for pid in pesantren_ids
    }


# Staff sections ---------------------------------------------------------------------------


def listing_figures(win: Window, link: Link) -> list[TradeFigureRow]:
    """New offers and requests this period and the one before."""
    rows = db.session.execute(
        select(
            Listing.side,
            func.count().filter(Listing.created_at >= win.start),
            func.count().filter(Listing.created_at < win.start),
        )
        .where(Listing.created_at >= win.previous_start)
        .where(Listing.created_at < win.end)
        .group_by(Listing.side)
    )
    counts = {}
    for side, current, previous in rows:
        counts[(side, True)], counts[(side, False)] = current, previous
    url = link("staff.dashboard")
    return [
        TradeFigureRow(key, counts.get((side, True), 0), counts.get((side, False), 0), url)
        for key, side in (("offers_new", Side.OFFER), ("requests_new", Side.REQUEST))
    ]


def pending_pesantren(link: Link) -> list[PendingPesantrenRow]:
    rows = db.session.scalars(
        select(Pesantren)
        .where(Pesantren.status == PesantrenStatus.PENDING)
        .order_by(Pesantren.created_at, Pesantren.id)
    )
    return [
        PendingPesantrenRow(
            pesantren_id=p.id,
            name=p.name,
            regency=p.regency.short_name,
            since=p.status_changed_at or p.created_at,
            url=link("pesantren.queue"),
        )
        for p in rows
    ]


def staff_rows(win: Window, now: datetime, link: Link) -> StaffRows:
    return StaffRows(
        trade=tuple(deal_sources.deal_figures(win, link) + listing_figures(win, link)),
        pending=tuple(pending_pesantren(link)),
        disputes=tuple(deal_sources.open_disputes(now, link)),
    )


def chunks(ids: Iterable[int], size: int):
    batch: list[int] = []
    for i in ids:
        batch.append(i)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
