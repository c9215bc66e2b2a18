"""Digest rows from the matching engine: new proposals, best new suggestions, new reciprocal
partners. Batched over many readers like ``sources``."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased

from exchange.catalogue.models import Commodity
from exchange.digests.links import Link
from exchange.digests.periods import WIB, Window
from exchange.digests.rows import PartnerRow, ProposalRow, SuggestionRow
from exchange.errors import NotFound
from exchange.extensions import db
from exchange.listings.models import Listing, ListingStatus
from exchange.matching.models import Proposal, ProposalStatus
from exchange.pesantren.models import Pesantren

#: Suggestions are computed for at most this many of a reader's listings (the newest ones).
SUGGESTION_LISTINGS = 3


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


def _listings_with_new_counterparts(pesantren_ids: list[int], win: Window, today) -> dict:
    """``{pesantren_id: [listing ids]}``: the reader's active listings (newest first, at most
    SUGGESTION_LISTINGS) for which a listing on the other side was posted in the period."""
    mine = aliased(Listing, name="mine")
    fresh = exists().where(
        Listing.commodity_id == mine.commodity_id,
        Listing.side != mine.side,
        Listing.pesantren_id != mine.pesantren_id,
        Listing.status == ListingStatus.ACTIVE.value,
        Listing.remaining > 0,
        Listing.created_at >= win.start,
        Listing.created_at < win.end,
    )
    rows = db.session.execute(
        select(mine.pesantren_id, mine.id)
        .where(mine.pesantren_id.in_(pesantren_ids))
        .where(mine.status == ListingStatus.ACTIVE.value, mine.remaining > 0)
        .where(mine.window_end >= today)
        .where(fresh)
        .order_by(mine.pesantren_id, mine.created_at.desc(), mine.id.desc())
    )
    out: dict[int, list[int]] = defaultdict(list)
    for pid, lid in rows:
        if len(out[pid]) < SUGGESTION_LISTINGS:
            out[pid].append(lid)
    return out


def best_suggestions(
    pesantren_ids: list[int], win: Window, now: datetime, link: Link
) -> dict[int, list]:
    """The best counterparts posted in the period for the reader's active listings.

    ``suggestions_for`` runs only for readers whose listings got a new counterpart listing this
    period (one batched query finds them), and for at most SUGGESTION_LISTINGS of their listings.
    """
    from exchange.matching.queries import suggestions_for

    if not pesantren_ids:
        return {}
    today = now.astimezone(WIB).date()
    wanted = _listings_with_new_counterparts(pesantren_ids, win, today)
    found: dict[int, list] = {}
    for pid, listing_ids in wanted.items():
        for lid in listing_ids:
            try:
                s = suggestions_for(lid, None, today)
            except NotFound:  # the reader's pesantren is no longer verified: no suggestions
                continue
            found.setdefault(pid, []).append((s.listing, s.rows))
    ids = {r.listing_id for pairs in found.values() for _l, rows in pairs for r in rows}
    new = set(
        db.session.scalars(
            select(Listing.id).where(
                Listing.id.in_(ids), Listing.created_at >= win.start, Listing.created_at < win.end
            )
        )
        if ids
        else ()
    )
    out: dict[int, list] = {}
    for pid, pairs in found.items():
        best: dict[int, SuggestionRow] = {}
        for listing, rows in pairs:
            com = listing.commodity
            for r in rows:
                if r.listing_id not in new:
                    continue
                score = r.explanation.surplus_per_unit
                if r.listing_id in best and best[r.listing_id].score >= score:
                    continue
                best[r.listing_id] = SuggestionRow(
                    listing_id=r.listing_id,
                    commodity=com.name_id,
                    commodity_en=com.name_en,
                    unit=com.unit,
                    counterparty=r.pesantren_name,
                    quantity=r.remaining,
                    price=r.price,
                    score=score,
                    distance_km=r.explanation.distance_km,
                    side=r.side,
                    url=link("listings.detail", listing_id=r.listing_id),
                )
        if best:
            out[pid] = list(best.values())
    return out


def new_partners(
    pesantren_ids: list[int], win: Window, now: datetime, link: Link
) -> dict[int, list]:
    """Reciprocal partners (as on the partners page) where either side posted a listing of a
    commodity that flows between them during the period.

    "New since the reader's last digest" would need the last digest's partners stored; this
    definition needs nothing stored and says the same for a steady market: a partnership shows
    up in the digest of the period in which one of its listings was posted.
    """
    from exchange.matching.queries import reciprocal_partners

    if not pesantren_ids:
        return {}
    today = now.astimezone(WIB).date()
    posted = select(Listing.pesantren_id).where(
        Listing.created_at >= win.start, Listing.created_at < win.end
    )
    if db.session.scalar(select(exists(posted))) is not True:
        return {}
    both_sides = db.session.scalars(
        select(Listing.pesantren_id)
        .where(Listing.pesantren_id.in_(pesantren_ids))
        .where(Listing.status == ListingStatus.ACTIVE.value, Listing.remaining > 0)
        .where(Listing.window_end >= today)
        .group_by(Listing.pesantren_id)
        .having(func.count(func.distinct(Listing.side)) == 2)
    ).all()
    found = {pid: reciprocal_partners(pid, today) for pid in both_sides}
    found = {pid: ps for pid, ps in found.items() if ps}
    if not found:
        return {}
    everyone = set(found) | {p.pesantren_id for ps in found.values() for p in ps}
    fresh = {
        (pid, slug)
        for pid, slug in db.session.execute(
            select(Listing.pesantren_id, Commodity.slug)
            .join(Commodity, Commodity.id == Listing.commodity_id)
            .where(Listing.pesantren_id.in_(everyone))
            .where(Listing.created_at >= win.start, Listing.created_at < win.end)
            .distinct()
        )
    }
    url = link("matching.partners")
    out: dict[int, list] = {}
    for pid, partners in found.items():
        rows = []
        for p in partners:
            slugs = {f.commodity for f in p.supplies} | {f.commodity for f in p.buys}
            if not any((who, s) in fresh for who in (pid, p.pesantren_id) for s in slugs):
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
