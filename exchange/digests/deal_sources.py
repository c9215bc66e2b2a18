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
from exchange.clock import today_wib
from exchange.deals import facts
from exchange.deals.facts import context, payment_due
from exchange.deals.models import Contract, Deal, DealEvent, TermsVersion
from exchange.deals.policy import Action, Side, State, awaited_action
from exchange.digests.periods import Window
from exchange.digests.rows import DealTaskRow, DisputeRow, MoveRow, TradeFigureRow
from exchange.extensions import db
from exchange.web.links import Link

#: A completed deal asks its parties for a rating for this many days after completion.
RATE_WITHIN_DAYS = 14
AFTER_SIGNING = (State.SIGNED.value, State.SHIPPED.value, State.RECEIVED.value)


def _party(pesantren_ids: list[int]):
    return or_(
        Deal.seller_pesantren_id.in_(pesantren_ids), Deal.buyer_pesantren_id.in_(pesantren_ids)
    )


def _deal_url(link: Link, deal_id: int) -> str:
    return link("deals.detail", deal_id=deal_id)


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
                selling=deal.whose_turn == "seller",
            )
        )
    return out


#: The deal's awaited action (``deals.states.awaited_action``) as a digest task.
TASKS = {
    Action.PAY: "pay",
    Action.SHIP: "ship",
    Action.RECEIVE: "receive",
    Action.COMPLETE: "complete",
}


def deal_tasks(pesantren_ids: list[int], now: datetime, link: Link) -> dict[int, list]:
    """Signed deals waiting for the reader to pay, ship, receive or complete (the deals'
    own rule: ``awaited_action`` over ``deals.facts.context``, the same as reminders and
    "waiting for me"), and deals completed lately not yet rated by the reader."""
    if not pesantren_ids:
        return {}
    readers = set(pesantren_ids)
    today = today_wib(now)
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
        .options(*facts.load(), selectinload(Deal.ratings))
        .order_by(Deal.id)
    ).all()
    out: dict[int, list] = defaultdict(list)
    for deal in deals:
        ctx = context(deal, today)
        total = deal.current_terms.total
        for side in Side:
            me = deal.seller_pesantren_id if side is Side.SELLER else deal.buyer_pesantren_id
            if me not in readers:
                continue
            task = None
            if deal.state == State.COMPLETED:
                if not any(r.rater_pesantren_id == me for r in deal.ratings):
                    task = ("rate", total, None)
            else:
                action = TASKS.get(awaited_action(ctx, side))
                if action == "pay":
                    due = payment_due(deal, today)
                    task = ("pay", due.amount, due.by)
                elif action:
                    task = (action, total, None)
            if task is None:
                continue
            action, amount, due = task
            other = deal.buyer if side is Side.SELLER else deal.seller
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
                    selling=side is Side.SELLER,
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
    url = link("staff.dashboard")
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
