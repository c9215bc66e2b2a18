"""Digest rows from deals: moves waiting for the reader's answer, deals waiting for the reader
to pay, ship, receive, complete or rate, and staff's trade figures and open disputes.
Batched over many readers like ``sources``."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from exchange.catalogue.models import Commodity
from exchange.deals.models import Contract, Deal, DealEvent, TermsVersion
from exchange.deals.states import State, waits_on
from exchange.digests.links import Link
from exchange.digests.periods import Window
from exchange.digests.rows import DealTaskRow, DisputeRow, MoveRow, TradeFigureRow
from exchange.extensions import db

#: A completed deal asks its parties for a rating for this many days after completion.
RATE_WITHIN_DAYS = 14
#: What the reader is asked to do when a deal in this state waits on them.
TASKS = {
    (State.SIGNED, "seller"): "ship",
    (State.SIGNED, "buyer"): "pay",  # the akad wants payment first (salam)
    (State.SHIPPED, "buyer"): "receive",
    (State.RECEIVED, "seller"): "complete",
}
AFTER_SIGNING = (State.SIGNED.value, State.SHIPPED.value, State.RECEIVED.value)


def _party(pesantren_ids: list[int]):
    return or_(
        Deal.seller_pesantren_id.in_(pesantren_ids), Deal.buyer_pesantren_id.in_(pesantren_ids)
    )


def _deal_url(link: Link, deal_id: int) -> str:
    return link("deals.detail", f"/kesepakatan/{deal_id}", deal_id=deal_id)


def moves_waiting(pesantren_ids: list[int], now: datetime, link: Link) -> dict[int, list]:
    """Negotiations whose turn is the reader's, with the current terms and when they expire."""
    if not pesantren_ids:
        return {}
    days = int(current_app.config["NEGOTIATION_EXPIRY_DAYS"])
    rows = db.session.execute(
        select(Deal, TermsVersion.quantity, TermsVersion.unit_price)
        .join(
            TermsVersion,
            and_(TermsVersion.deal_id == Deal.id, TermsVersion.number == Deal.terms_version),
        )
        .where(Deal.state == State.NEGOTIATING.value)
        .where(
            or_(
                and_(Deal.whose_turn == "seller", Deal.seller_pesantren_id.in_(pesantren_ids)),
                and_(Deal.whose_turn == "buyer", Deal.buyer_pesantren_id.in_(pesantren_ids)),
            )
        )
        .order_by(Deal.last_move_at, Deal.id)
    ).all()
    out: dict[int, list] = defaultdict(list)
    for deal, quantity, price in rows:
        me, other = (
            (deal.seller, deal.buyer) if deal.whose_turn == "seller" else (deal.buyer, deal.seller)
        )
        out[me.id].append(
            MoveRow(
                negotiation_id=deal.id,
                commodity=deal.commodity.name_id,
                commodity_en=deal.commodity.name_en,
                unit=deal.commodity.unit,
                counterparty=other.name,
                quantity=quantity,
                price=price,
                expires_at=deal.last_move_at + timedelta(days=days),
                url=_deal_url(link, deal.id),
            )
        )
    return out


def _amount_due(deal: Deal) -> int:
    terms = deal.current_terms
    if deal.delivery is not None:
        return deal.delivery.quantity_received * terms.unit_price
    return terms.total


def deal_tasks(pesantren_ids: list[int], now: datetime, link: Link) -> dict[int, list]:
    """Signed deals waiting for the reader to ship, pay, receive or complete (the deals page's
    "waiting for me" rule), payments still owed, and deals completed lately not yet rated."""
    from exchange.deals.services import context

    if not pesantren_ids:
        return {}
    readers = set(pesantren_ids)
    deals = db.session.scalars(
        select(Deal)
        .where(_party(pesantren_ids))
        .where(
            or_(
                Deal.state.in_(AFTER_SIGNING),
                and_(
                    Deal.state == State.COMPLETED.value,
                    Deal.closed_at >= now - timedelta(days=RATE_WITHIN_DAYS),
                ),
            )
        )
        .options(
            selectinload(Deal.versions),
            selectinload(Deal.payments),
            selectinload(Deal.delivery),
            selectinload(Deal.ratings),
        )
        .order_by(Deal.id)
    ).all()
    out: dict[int, list] = defaultdict(list)
    for deal in deals:
        ctx = context(deal)
        terms = deal.current_terms
        for side in ("seller", "buyer"):
            me = deal.seller_pesantren_id if side == "seller" else deal.buyer_pesantren_id
            if me not in readers:
                continue
            other = deal.buyer if side == "seller" else deal.seller
            tasks = []
            if deal.state == State.COMPLETED:
                if not any(r.rater_pesantren_id == me for r in deal.ratings):
                    tasks.append(("rate", terms.total, None))
            else:
                if side in {s.value for s in waits_on(ctx)}:
                    action = TASKS.get((State(deal.state), side))
                    if action and action != "pay":
                        tasks.append((action, terms.total, None))
                owed = _amount_due(deal) - deal.paid
                if side == "buyer" and owed > 0:
                    tasks.append(("pay", owed, terms.payment_due_date))
            for action, amount, due in tasks:
                out[me].append(
                    DealTaskRow(
                        deal_id=deal.id,
                        action=action,
                        commodity=deal.commodity.name_id,
                        commodity_en=deal.commodity.name_en,
                        counterparty=other.name,
                        amount=amount,
                        due=due,
                        url=_deal_url(link, deal.id),
                    )
                )
    return out


# Staff ----------------------------------------------------------------------------------------


def deal_figures(win: Window, link: Link) -> list[TradeFigureRow]:
    """Contracts signed and their value, and deals completed: this period and the one before."""
    now_c, before_c = Contract.created_at >= win.start, Contract.created_at < win.start
    signed = db.session.execute(
        select(
            func.count().filter(now_c),
            func.count().filter(before_c),
            func.coalesce(func.sum(Contract.total).filter(now_c), 0),
            func.coalesce(func.sum(Contract.total).filter(before_c), 0),
        ).where(Contract.created_at >= win.previous_start, Contract.created_at < win.end)
    ).one()
    completed = db.session.execute(
        select(
            func.count().filter(Deal.closed_at >= win.start),
            func.count().filter(Deal.closed_at < win.start),
        )
        .where(Deal.state == State.COMPLETED.value)
        .where(Deal.closed_at >= win.previous_start, Deal.closed_at < win.end)
    ).one()
    url = link("staff.dashboard", "/staf/dasbor")
    return [
        TradeFigureRow("deals_agreed", int(signed[0]), int(signed[1]), url),
        TradeFigureRow("trade_value", int(signed[2]), int(signed[3]), url),
        TradeFigureRow("deals_completed", int(completed[0]), int(completed[1]), url),
    ]


def open_disputes(now: datetime, link: Link) -> list[DisputeRow]:
    """Deals in dispute, with the event that opened the dispute (oldest first)."""
    opened = (
        select(DealEvent.deal_id, func.max(DealEvent.id).label("event_id"))
        .where(DealEvent.action == "dispute")
        .group_by(DealEvent.deal_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Deal, DealEvent.id, DealEvent.created_at)
        .join(opened, opened.c.deal_id == Deal.id)
        .join(DealEvent, DealEvent.id == opened.c.event_id)
        .join(Commodity, Commodity.id == Deal.commodity_id)
        .where(Deal.state == State.DISPUTED.value)
        .order_by(DealEvent.created_at, Deal.id)
    ).all()
    return [
        DisputeRow(
            dispute_id=event_id,
            deal_id=deal.id,
            commodity=deal.commodity.name_id,
            commodity_en=deal.commodity.name_en,
            parties=f"{deal.seller.name} – {deal.buyer.name}",
            opened_at=opened_at,
            url=_deal_url(link, deal.id),
        )
        for deal, event_id, opened_at in rows
    ]
