"""Digest rows from the matching engine: new proposals, best new suggestions, new reciprocal
partners. Batched over many readers like ``sources``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import numpy as np
from sqlalchemy import or_, select

from exchange.catalogue.models import Commodity
from exchange.clock import today_wib
from exchange.digests.periods import Window
from exchange.digests.rows import PartnerRow, ProposalRow, SuggestionRow
from exchange.extensions import db
from exchange.listings.models import Listing
from exchange.listings.queries import open_conditions
from exchange.matching import adapter
from exchange.matching.candidates import compatible_pairs
from exchange.matching.model import Instance
from exchange.matching.models import Proposal, ProposalStatus
from exchange.matching.queries import (
    LISTING_COLUMNS,
    engine_listings,
    load_instance,
    reciprocal_partners,
    road_factor,
)
from exchange.matching.reciprocal import reciprocal_rows
from exchange.pesantren.models import Pesantren
from exchange.web.links import Link

#: Suggestions are computed for at most this many of a reader's listings (the newest ones).
SUGGESTION_LISTINGS = 3
#: Counterparts kept per listing (as the listing page's suggestions).
SUGGESTIONS_PER_LISTING = 10


def _names(ids) -> dict[int, Pesantren]:
    ids = set(ids)
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(select(Pesantren).where(Pesantren.id.in_(ids)))}


# Matching -----------------------------------------------------------------------------------


def new_proposals(pesantren_ids: list[int], win: Window, link: Link) -> dict[int, list]:
    """Proposals made in the period that still wait for the reader (status proposed)."""
    if not pesantren_ids:
        return {}
    rows = db.session.execute(
        select(Proposal, Commodity.name_id, Commodity.name_en, Commodity.unit)
        .join(Commodity, Commodity.id == Proposal.commodity_id)
        .where(Proposal.status == ProposalStatus.PROPOSED.value)
        .where(Proposal.created_at >= win.start, Proposal.created_at < win.end)
        .where(
            or_(
                Proposal.seller_pesantren_id.in_(pesantren_ids),
                Proposal.buyer_pesantren_id.in_(pesantren_ids),
            )
        )
        .order_by(Proposal.id)
    ).all()
    readers = set(pesantren_ids)
    names = _names(i for r in rows for i in (r[0].seller_pesantren_id, r[0].buyer_pesantren_id))
    out: dict[int, list] = defaultdict(list)
    for p, name_id, name_en, unit in rows:
        for me, other in (
            (p.seller_pesantren_id, p.buyer_pesantren_id),
            (p.buyer_pesantren_id, p.seller_pesantren_id),
        ):
            if me in readers:
                out[me].append(
                    ProposalRow(
                        proposal_id=p.id,
                        commodity=name_id,
                        commodity_en=name_en,
                        unit=unit,
                        counterparty=names[other].name,
                        quantity=p.quantity,
                        price=p.price,
                        created_at=p.created_at,
                        # the proposal's card on the dashboard, where it is opened or declined
                        url=link("dashboard.home", _anchor=f"usulan-{p.id}"),
                        selling=me == p.seller_pesantren_id,
                    )
                )
    return out


@dataclass
class MarketOfRun:
    """What a digest run reads of the market once (not per reader): the active listings posted
    in the period, as the engine sees them, and the commodities."""

    today: date
    fresh_offers: tuple = ()
    fresh_requests: tuple = ()
    names: dict = field(default_factory=dict)  # listing id -> its pesantren's name
    pesantren: dict = field(default_factory=dict)  # id -> engine Pesantren
    commodities: dict = field(default_factory=dict)  # slug -> engine Commodity
    labels: dict = field(default_factory=dict)  # slug -> (name_id, name_en, unit)
    fresh_slugs: set = field(default_factory=set)  # (pesantren id, slug) posted in the period
    partners: dict | None = None  # pesantren id -> [PartnerRow], computed once when asked


def _listing_rows(*where):
    """Active listings (the matching domain's rule) with their pesantren's place and name."""
    return db.session.execute(
        select(
            *LISTING_COLUMNS,
            Pesantren.regency_code,
            Pesantren.lat,
            Pesantren.lon,
            Pesantren.name,
            Listing.created_at,
        )
        .join(Pesantren, Pesantren.id == Listing.pesantren_id)
        .join(Commodity, Commodity.id == Listing.commodity_id)
        .where(*where)
    ).all()


def _engine(rows, market: MarketOfRun) -> list:
    n = len(LISTING_COLUMNS)
    for r in rows:
        market.pesantren.setdefault(str(r[2]), adapter.pesantren(r[2], r[n], r[n + 1], r[n + 2]))
    return engine_listings(rows, market.today)


def load_market(win: Window, now: datetime) -> MarketOfRun:
    """The period's new active listings and the commodities, read once per digest run."""
    today = today_wib(now)
    market = MarketOfRun(today)
    for slug, unit, cost, grades, name_id, name_en in db.session.execute(
        select(
            Commodity.slug,
            Commodity.unit,
            Commodity.transport_cost_per_unit_km,
            Commodity.grades,
            Commodity.name_id,
            Commodity.name_en,
        )
    ):
        market.commodities[slug] = adapter.commodity(slug, unit, cost, grades)
        market.labels[slug] = (name_id, name_en, unit)
    rows = _listing_rows(
        *open_conditions(today), Listing.created_at >= win.start, Listing.created_at < win.end
    )
    fresh = _engine(sorted(rows, key=lambda r: r[0]), market)
    market.fresh_offers = tuple(x for x in fresh if x.side == "offer")
    market.fresh_requests = tuple(x for x in fresh if x.side == "request")
    market.names = {r[0]: r[len(LISTING_COLUMNS) + 3] for r in rows}
    market.fresh_slugs = {
        (pid, slug)
        for pid, slug in db.session.execute(
            select(Listing.pesantren_id, Commodity.slug)
            .join(Commodity, Commodity.id == Listing.commodity_id)
            .where(Listing.created_at >= win.start, Listing.created_at < win.end)
            .distinct()
        )
    }
    return market


def _pairs(market: MarketOfRun, offers, requests):
    """The engine's compatible pairs between these offers and requests (one call)."""
    instance = Instance(
        road_factor(),
        tuple(sorted(market.commodities.values(), key=lambda c: c.slug)),
        tuple(sorted(market.pesantren.values(), key=lambda p: int(p.id))),
        tuple(offers) + tuple(requests),
    )
    return compatible_pairs(instance)


def best_suggestions(
    pesantren_ids: list[int], market: MarketOfRun, link: Link
) -> dict[int, list[SuggestionRow]]:
    """For each reader, the best counterparts posted in the period for their active listings.

    The engine's compatibility (``compatible_pairs``) runs once for the whole batch: the
    readers' offers against the period's new requests, and the new offers against the readers'
    requests. Per reader: the SUGGESTION_LISTINGS newest listings that got a compatible new
    counterpart, for each its best counterparts by surplus per unit (ties by listing id, as
    ``suggest`` orders them), each counterpart once.
    """
    if not pesantren_ids or not (market.fresh_offers or market.fresh_requests):
        return {}
    rows = _listing_rows(*open_conditions(market.today), Listing.pesantren_id.in_(pesantren_ids))
    created = {r[0]: r[-1] for r in rows}
    mine = _engine(sorted(rows, key=lambda r: r[0]), market)
    found: dict[int, list] = defaultdict(list)  # my listing id -> [(surplus, other, distance)]
    for offers, requests, i_mine in (
        ([x for x in mine if x.side == "offer"], market.fresh_requests, True),
        (market.fresh_offers, [x for x in mine if x.side == "request"], False),
    ):
        if not offers or not requests:
            continue
        cand = _pairs(market, offers, requests)
        if not len(cand):
            continue
        mine_side, other_side = (
            (cand.offers, cand.requests) if i_mine else (cand.requests, cand.offers)
        )
        m_idx, o_idx = (
            (cand.offer_idx, cand.request_idx) if i_mine else (cand.request_idx, cand.offer_idx)
        )
        # per listing of the reader, its best counterparts first (surplus down, then the
        # counterpart's id as ``suggest`` breaks ties), the first SUGGESTIONS_PER_LISTING kept
        rank = {lid: k for k, lid in enumerate(sorted(x.id for x in other_side))}
        other_rank = np.fromiter((rank[x.id] for x in other_side), np.int64, len(other_side))
        order = np.lexsort((other_rank[o_idx], -cand.surplus, m_idx))
        grouped = m_idx[order]
        starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
        place = np.arange(grouped.size) - np.repeat(starts, np.diff(np.r_[starts, grouped.size]))
        for k in order[place < SUGGESTIONS_PER_LISTING].tolist():
            me, other = mine_side[m_idx[k]], other_side[o_idx[k]]
            found[int(me.id)].append((float(cand.surplus[k]), other, float(cand.distance[k])))
    by_id = {int(x.id): x for x in mine}
    by_reader: dict[int, list] = defaultdict(list)
    for lid in sorted(found, key=lambda k: (created[k], k), reverse=True):
        listing = by_id[lid]
        pid = int(listing.pesantren)
        if len(by_reader[pid]) < SUGGESTION_LISTINGS:
            by_reader[pid].append((listing, found[lid]))
    out: dict[int, list] = {}
    for pid, pairs in by_reader.items():
        best: dict[int, SuggestionRow] = {}
        for listing, options in pairs:
            name_id, name_en, unit = market.labels[listing.commodity]
            for surplus, other, dist in options:  # best first, at most SUGGESTIONS_PER_LISTING
                oid = int(other.id)
                if oid in best and best[oid].score >= surplus:
                    continue
                best[oid] = SuggestionRow(
                    listing_id=oid,
                    commodity=name_id,
                    commodity_en=name_en,
                    unit=unit,
                    counterparty=market.names[oid],
                    quantity=other.quantity,
                    price=other.price,
                    score=surplus,
                    distance_km=dist,
                    url=link("listings.detail", listing_id=oid),
                    side=other.side,
                )
        if best:
            out[pid] = list(best.values())
    return out


def new_partners(pesantren_ids: list[int], market: MarketOfRun, link: Link) -> dict[int, list]:
    """Reciprocal partners (as on the partners page: ``matching.reciprocal``'s rule over the
    engine's compatible pairs) where either side posted, in the period, a listing of a commodity
    that flows between them. Computed once per run for every pesantren, then looked up.

    "New since the reader's last digest" would need the last digest's partners stored; this
    definition needs nothing stored and says the same for a steady market: a partnership shows
    up in the digest of the period in which one of its listings was posted.
    """
    if not pesantren_ids or not market.fresh_slugs:
        return {}
    if market.partners is None:
        market.partners = _all_partners(market, link)
    return {pid: market.partners[pid] for pid in pesantren_ids if pid in market.partners}


def _all_partners(market: MarketOfRun, link: Link) -> dict[int, list]:
    instance = load_instance(market.today)
    sides: dict[str, set] = defaultdict(set)
    for x in instance.listings:
        sides[x.pesantren].add(x.side)
    both = {p for p, s in sides.items() if len(s) == 2}  # a partner trades both ways
    instance = replace(
        instance,
        pesantren=tuple(p for p in instance.pesantren if p.id in both),
        listings=tuple(x for x in instance.listings if x.pesantren in both),
    )
    cand = compatible_pairs(instance)
    ids = [p.id for p in instance.pesantren]
    flows: dict[tuple[int, int], set] = defaultdict(set)  # (seller, buyer) -> slugs
    slug = np.array([o.commodity for o in cand.offers] or [""], dtype=object)
    seen = set(
        zip(
            cand.offer_pes.tolist(),
            cand.request_pes.tolist(),
            slug[cand.offer_idx].tolist() if len(cand) else [],
            strict=True,
        )
    )
    for u, v, s in seen:
        flows[(int(ids[u]), int(ids[v]))].add(s)
    pairs = [(int(ids[u]), int(ids[v])) for u, v in reciprocal_rows(cand, len(ids)).tolist()]
    who = {p for pair in pairs for p in pair}
    info = (
        {
            p.id: (p.name, p.regency.short_name)
            for p in db.session.scalars(select(Pesantren).where(Pesantren.id.in_(who)))
        }
        if who
        else {}
    )
    url = link("matching.partners")

    def names(slugs) -> str:
        return ", ".join(market.labels[s][0] for s in sorted(slugs))

    out: dict[int, list] = defaultdict(list)
    for a, b in pairs:
        for me, other in ((a, b), (b, a)):
            theirs, yours = flows[(other, me)], flows[(me, other)]
            # as on the partners page: a commodity that could go both ways is neither way's
            theirs, yours = theirs - yours, yours - theirs
            if not theirs or not yours:
                continue
            slugs = theirs | yours
            if not any((who_, s) in market.fresh_slugs for who_ in (me, other) for s in slugs):
                continue
            out[me].append(
                PartnerRow(
                    pesantren_id=other,
                    name=info[other][0],
                    regency=info[other][1],
                    they_supply=names(theirs),
                    you_supply=names(yours),
                    url=url,
                )
            )
    return dict(out)


def partners_of_one(pesantren_ids: list[int], market: MarketOfRun, link: Link) -> dict[int, list]:
    """``new_partners`` for a reader or two (the digest page), through the partners page's own
    per-pesantren query instead of the whole market."""
    if not market.fresh_slugs:
        return {}
    url = link("matching.partners")
    out: dict[int, list] = {}
    for pid in pesantren_ids:
        rows = []
        for p in reciprocal_partners(pid):
            slugs = {f.commodity for f in p.supplies} | {f.commodity for f in p.buys}
            if not any(
                (who, s) in market.fresh_slugs for who in (pid, p.pesantren_id) for s in slugs
            ):
                continue
            rows.append(
                PartnerRow(
                    pesantren_id=p.pesantren_id,
                    name=p.name,
                    regency=p.regency,
                    they_supply=", ".join(f.name for f in p.supplies),
                    you_supply=", ".join(f.name for f in p.buys),
                    url=url,
                )
            )
        if rows:
            out[pid] = rows
    return out
