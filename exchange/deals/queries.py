"""Reads for pages and other domains: my deals, deals waiting for me, notifications,
a pesantren's reputation and the salam re-listing check."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from flask import g, has_request_context
from sqlalchemy import BigInteger, and_, cast, func, or_, select
from sqlalchemy.orm import aliased

from exchange.akad import Akad
from exchange.catalogue.models import Commodity
from exchange.deals import akad as rules
from exchange.deals import facts
from exchange.deals.models import (
    Bundle,
    Deal,
    DealEvent,
    Delivery,
    Notification,
    Payment,
    Rating,
    Refund,
    TermsVersion,
)
from exchange.deals.rows import CommodityName, DealRow, DeliveryRow, Named, TermsRow
from exchange.deals.states import OPEN, TERMINAL, State
from exchange.errors import NotFound
from exchange.extensions import db
from exchange.pesantren.models import Pesantren

ANSWERS = ("counter", "accept", "reject")


def _party_filter(pesantren_id: int):
    return or_(Deal.seller_pesantren_id == pesantren_id, Deal.buyer_pesantren_id == pesantren_id)


def my_deals(user, limit: int = 200) -> list[Deal]:
    """The user's pesantren's deals as models, newest move first (the API's list)."""
    if not getattr(user, "pesantren_id", None):
        return []
    return list(
        db.session.scalars(
            select(Deal)
            .where(_party_filter(user.pesantren_id))
            .options(*facts.load())
            .order_by(Deal.last_move_at.desc(), Deal.id.desc())
            .limit(limit)
        )
    )


def deals_page(user, since=None, before: tuple | None = None, limit: int = 100) -> list[Deal]:
    """A page of the deals the user may list (their pesantren's; staff: all), newest move
    first, moved at or after ``since``, after the keyset ``before`` = (last_move_at, id) of the
    previous page's last row: a deal that moves meanwhile goes to the top, no row shifts."""
    query = select(Deal).options(*facts.load())
    if not getattr(user, "is_staff", False):
        if not getattr(user, "pesantren_id", None):
            return []
        query = query.where(_party_filter(user.pesantren_id))
    if since is not None:
        query = query.where(Deal.last_move_at >= since)
    if before is not None:
        moved, deal_id = before
        query = query.where(
            or_(Deal.last_move_at < moved, and_(Deal.last_move_at == moved, Deal.id < deal_id))
        )
    order = (Deal.last_move_at.desc(), Deal.id.desc())
    return list(db.session.scalars(query.order_by(*order).limit(limit)))


def recent_deals(limit: int = 100) -> list[Deal]:
    """The exchange's latest deals as models, newest move first (the API's list for staff)."""
    return list(
        db.session.scalars(
            select(Deal)
            .options(*facts.load())
            .order_by(Deal.last_move_at.desc(), Deal.id.desc())
            .limit(limit)
        )
    )


def _summed(model):
    return (
        select(cast(func.coalesce(func.sum(model.amount), 0), BigInteger))
        .where(model.deal_id == Deal.id)
        .scalar_subquery()
    )


def deal_rows(*where, order_by=(), limit: int | None = None) -> list[DealRow]:
    """Deals as list rows (``deals/rows.py``), in one query: the deal's columns, both parties'
    names, the commodity's names, the current terms, the sums paid and refunded, the received
    quantity. ``facts`` reads a row as it reads a deal."""
    query = _rows_select().where(*where).order_by(*order_by).limit(limit)
    return [_row(r) for r in db.session.execute(query)]


@cache
def _rows_select():
    """The list rows' SELECT without its filter, built once per process: coercing its 31
    columns took more time than running it."""
    seller, buyer, terms = aliased(Pesantren), aliased(Pesantren), TermsVersion
    return (
        select(
            Deal.id,
            Deal.state,
            Deal.whose_turn,
            Deal.cancel_requested_by,
            Deal.disputed_by,
            Deal.resume_state,
            Deal.terms_version,
            Deal.accepted_version,
            Deal.seller_pesantren_id,
            Deal.buyer_pesantren_id,
            seller.name,
            buyer.name,
            Commodity.name_id,
            Commodity.name_en,
            Deal.last_move_at,
            Deal.signed_at,
            Deal.delivery_due,
            terms.quantity,
            terms.unit_price,
            terms.grade,
            terms.akad,
            terms.handover_date,
            terms.handover_place,
            terms.transport,
            terms.payment_due_date,
            terms.payment_schedule,
            terms.cost_price,
            terms.margin,
            _summed(Payment),
            _summed(Refund),
            Delivery.quantity_received,
        )
        .join(seller, seller.id == Deal.seller_pesantren_id)
        .join(buyer, buyer.id == Deal.buyer_pesantren_id)
        .join(Commodity, Commodity.id == Deal.commodity_id)
        .join(terms, (terms.deal_id == Deal.id) & (terms.number == Deal.terms_version))
        .outerjoin(Delivery, Delivery.deal_id == Deal.id)
    )


def _row(r) -> DealRow:
    received = r[30]
    return DealRow(
        *r[:10],
        seller=Named(r[10]),
        buyer=Named(r[11]),
        commodity=CommodityName(r[12], r[13]),
        last_move_at=r[14],
        signed_at=r[15],
        delivery_due=r[16],
        current_terms=TermsRow(*r[17:28]),
        paid=int(r[28]),
        refunded=int(r[29]),
        delivery=DeliveryRow(received) if received is not None else None,
    )


NEWEST_MOVE = (Deal.last_move_at.desc(), Deal.id.desc())


def my_deal_rows(user, limit: int = 200) -> list[DealRow]:
    """The user's pesantren's deals (the Kesepakatan page): those waiting for them first, then
    the newest move."""
    if not getattr(user, "pesantren_id", None):
        return []
    rows = deal_rows(_party_filter(user.pesantren_id), order_by=NEWEST_MOVE, limit=limit)
    return sorted(rows, key=lambda d: not facts.waits_for(d, user.pesantren_id))


def recent_deal_rows(limit: int = 100) -> list[DealRow]:
    """The exchange's latest deals, newest move first (staff read them all)."""
    return deal_rows(order_by=NEWEST_MOVE, limit=limit)


def waiting_for(user) -> list[DealRow]:
    """Open deals that wait on a move by the user's pesantren (for the manager dashboard)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "pesantren_id", None):
        return []
    rows = deal_rows(
        _party_filter(user.pesantren_id),
        Deal.state.in_([s.value for s in OPEN]),
        order_by=(Deal.last_move_at, Deal.id),
    )
    return [d for d in rows if facts.waits_for(d, user.pesantren_id)]


def bundle_candidates(deal: Deal) -> list[Deal]:
    """Deals that could be tied with ``deal`` into a reciprocal bundle: between the same two
    pesantren, running the other way, neither ended nor completed, not salam, nothing paid yet,
    and not already in a bundle (nor is ``deal``)."""
    if not _may_bundle(deal):
        return []
    bundled = select(Bundle.leg_a_id).union(select(Bundle.leg_b_id))
    if deal.id in set(db.session.scalars(bundled)):
        return []
    closed = [s.value for s in TERMINAL] + [State.COMPLETED.value]
    found = db.session.scalars(
        select(Deal)
        .where(
            Deal.seller_pesantren_id == deal.buyer_pesantren_id,
            Deal.buyer_pesantren_id == deal.seller_pesantren_id,
            Deal.id != deal.id,
            Deal.state.not_in(closed),
            Deal.id.not_in(bundled),
        )
        .order_by(Deal.id.desc())
    )
    return [d for d in found if _may_bundle(d)]


def _may_bundle(deal: Deal) -> bool:
    if State(deal.state) in TERMINAL or deal.state == State.COMPLETED:
        return False
    return deal.current_terms.akad != Akad.SALAM and not deal.payments


def notifications(user, unread_only: bool = False, limit: int = 50) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return db.session.scalars(query.order_by(Notification.id.desc()).limit(limit)).all()


def notification_of(user, notification_id: int) -> Notification:
    """One of the user's own notifications; anyone else's (or none) raises NotFound."""
    item = db.session.get(Notification, notification_id)
    if item is None or item.user_id != user.id:
        raise NotFound()
    return item


def unread_count(user) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def unread_on_page(user) -> int:
    """``unread_count`` for a page being rendered: the navigation's badge and the dashboard
    show the same number, asked once per request (kept in ``g`` under the user's id; a page
    renders after its writes, so the number cannot go stale within it)."""
    if not has_request_context():
        return unread_count(user)
    seen = g.setdefault("unread_counts", {})
    if user.id not in seen:
        seen[user.id] = unread_count(user)
    return seen[user.id]


@dataclass(frozen=True)
class Reputation:
    average_rating: float | None
    ratings: int
    completed_deals: int
    median_answer: timedelta | None  # how quickly it answers a move in negotiation


def reputation(pesantren_id: int) -> Reputation:
    """The figures a pesantren's page shows."""
    avg, count = db.session.execute(
        select(func.avg(Rating.score), func.count(Rating.id)).where(
            Rating.ratee_pesantren_id == pesantren_id
        )
    ).one()
    completed = db.session.scalar(
        select(func.count(Deal.id)).where(
            _party_filter(pesantren_id), Deal.state == State.COMPLETED.value
        )
    )
    return Reputation(
        average_rating=round(float(avg), 1) if avg is not None else None,
        ratings=count,
        completed_deals=completed,
        median_answer=_median_answer(pesantren_id),
    )


def recent_ratings(pesantren_id: int, limit: int = 10) -> list[Rating]:
    """The latest ratings a pesantren received that carry a comment, newest first (its page)."""
    return list(
        db.session.scalars(
            select(Rating)
            .where(Rating.ratee_pesantren_id == pesantren_id, Rating.comment != "")
            .order_by(Rating.created_at.desc(), Rating.id.desc())
            .limit(limit)
        )
    )


def _median_answer(pesantren_id: int, last: int = 200) -> timedelta | None:
    deal_ids = select(Deal.id).where(_party_filter(pesantren_id))
    events = db.session.execute(
        select(
            DealEvent.deal_id,
            DealEvent.action,
            DealEvent.actor_side,
            DealEvent.created_at,
            Deal.seller_pesantren_id,
        )
        .join(Deal, Deal.id == DealEvent.deal_id)
        .where(DealEvent.deal_id.in_(deal_ids))
        .order_by(DealEvent.deal_id, DealEvent.id)
    ).all()
    waits, previous = [], {}
    for deal_id, action, actor_side, at, seller_id in events:
        mine = (actor_side == "seller") == (seller_id == pesantren_id)
        before = previous.get(deal_id)
        if action in ANSWERS and mine and before is not None and before[1] != actor_side:
            waits.append((at - before[0]).total_seconds())
        if action in ("open", "counter"):
            previous[deal_id] = (at, actor_side)
    if not waits:
        return None
    return timedelta(seconds=statistics.median(waits[-last:]))


def _undelivered_salam(*columns):
    """Salam purchases signed and not yet received (their buyer may not resell the goods)."""
    return (
        select(*columns)
        .join(
            TermsVersion,
            (TermsVersion.deal_id == Deal.id) & (TermsVersion.number == Deal.accepted_version),
        )
        .outerjoin(Delivery, Delivery.deal_id == Deal.id)
        .where(
            TermsVersion.akad == Akad.SALAM,
            Deal.state.in_([State.SIGNED.value, State.SHIPPED.value, State.DISPUTED.value]),
            Delivery.id.is_(None),
        )
        .distinct()
    )


def undelivered_salam_commodities(pesantren_id: int) -> list[int]:
    """Commodities the pesantren bought by salam and has not yet received."""
    return list(
        db.session.scalars(
            _undelivered_salam(Deal.commodity_id).where(Deal.buyer_pesantren_id == pesantren_id)
        )
    )


def undelivered_salam_buyers() -> set[tuple[int, int]]:
    """(pesantren id, commodity id) of every salam purchase not yet received: those pesantren
    may not sell that commodity now (for the matching engine's instance)."""
    rows = db.session.execute(_undelivered_salam(Deal.buyer_pesantren_id, Deal.commodity_id))
    return {(pesantren_id, commodity_id) for pesantren_id, commodity_id in rows}


def salam_blocks_relisting(pesantren_id: int, commodity_id: int) -> list[rules.Reason]:
    """Reasons the pesantren may not offer this commodity now (empty: it may). For listings."""
    return rules.check_relisting(undelivered_salam_commodities(pesantren_id), commodity_id)


def bundle_of(deal_id: int) -> Bundle | None:
    """The reciprocal bundle a deal is a leg of, if any."""
    found = db.session.scalar(
        select(Bundle).where(or_(Bundle.leg_a_id == deal_id, Bundle.leg_b_id == deal_id))
    )
    return found
