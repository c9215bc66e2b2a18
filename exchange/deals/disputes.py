"""Staff resolve open disputes: an agreed settlement (islah), cancellation with a refund, or a
referral to Basyarnas (DOMAIN.md 7.1: musyawarah first, then Basyarnas).

The moves are rows of the lifecycle table (``states.py``: SETTLE, STAFF_CANCEL, REFER, who
may: staff) and go through ``moves.apply_move`` like every other move, so each writes a
DealEvent (the deal's history) and an audit event; each use case adds an audit event with the
staff's note, notifies both parties and commits once. Raises NotFound for anyone but staff.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from exchange.audit.services import record
from exchange.auth.permissions import require_staff
from exchange.db import utcnow
from exchange.deals import facts, fulfilment, moves
from exchange.deals.models import Deal, DealEvent
from exchange.deals.notify import notify
from exchange.deals.states import Action, Context, State, available_actions
from exchange.errors import Invalid, NotFound
from exchange.extensions import db
from exchange.i18n import rupiah

STAFF_ACTIONS = (Action.SETTLE, Action.STAFF_CANCEL, Action.REFER)


@dataclass(frozen=True)
class OpenDispute:
    deal: Deal
    raised_at: datetime | None
    referred_at: datetime | None


def _dispute_events(deal_ids: list[int]) -> dict[int, list[DealEvent]]:
    """Each deal's dispute and referral events, oldest first."""
    events: dict[int, list[DealEvent]] = {deal_id: [] for deal_id in deal_ids}
    if deal_ids:
        rows = db.session.scalars(
            select(DealEvent)
            .where(
                DealEvent.deal_id.in_(deal_ids),
                DealEvent.action.in_((Action.DISPUTE.value, Action.REFER.value)),
            )
            .order_by(DealEvent.id)
        )
        for event in rows:
            events[event.deal_id].append(event)
    return events


def _raised_and_referred(events: list[DealEvent]) -> tuple[datetime | None, datetime | None]:
    """When the current dispute was raised, and when it was referred (None: not yet)."""
    raised = referred = None
    for event in events:
        if event.action == Action.DISPUTE.value:
            raised, referred = event.created_at, None
        elif event.action == Action.REFER.value:
            referred = event.created_at
    return raised, referred


def referred_at(deal: Deal) -> datetime | None:
    """When the deal's open dispute was referred to Basyarnas (None: not referred or not open)."""
    if deal.state != State.DISPUTED.value:
        return None
    return _raised_and_referred(_dispute_events([deal.id])[deal.id])[1]


def staff_context(deal: Deal) -> Context:
    return replace(facts.context(deal), dispute_referred=referred_at(deal) is not None)


def staff_actions(user, deal: Deal) -> list[Action]:
    """The dispute moves the user may make now (none for anyone but staff)."""
    if not getattr(user, "is_staff", False):
        return []
    allowed = available_actions(staff_context(deal), None, staff=True)
    return [a for a in allowed if a in STAFF_ACTIONS]


def open_disputes(actor) -> list[OpenDispute]:
    """Every deal in dispute, the longest waiting first. Staff only (404 for anyone else)."""
    require_staff(actor)
    deals = list(
        db.session.scalars(
            select(Deal).where(Deal.state == State.DISPUTED.value).order_by(Deal.last_move_at)
        )
    )
    events = _dispute_events([d.id for d in deals])
    out = [OpenDispute(d, *_raised_and_referred(events[d.id])) for d in deals]
    return sorted(out, key=lambda r: (r.raised_at or r.deal.last_move_at, r.deal.id))


def disputed_deal(actor, deal_id: int) -> Deal:
    """A deal as staff see it on the dispute page (404 for anyone else or an unknown deal)."""
    require_staff(actor)
    deal = db.session.get(Deal, deal_id)
    if deal is None:
        raise NotFound()
    return deal


def _note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise Invalid(_l("Tuliskan catatan penyelesaian."), field="note")
    return note[:900]


def _tell_both(deal: Deal, action: str, **params) -> None:
    notify(deal, deal.seller_pesantren_id, action, **params)
    notify(deal, deal.buyer_pesantren_id, action, **params)


def settle(actor, deal_id: int, note: str) -> Deal:
    """Record the settlement both parties agreed (islah); the deal goes on from the state the
    dispute was raised in. Raises NotFound, Invalid (no note), IllegalTransition, Conflict."""
    deal = disputed_deal(actor, deal_id)
    note = _note(note)
    moves.apply_move(
        deal,
        Action.SETTLE,
        None,
        actor,
        note,
        ctx=staff_context(deal),
        disputed_by=None,
        resume_state=None,
    )
    record("dispute.settled", deal, actor=actor, note=note)
    _tell_both(deal, "settle")
    db.session.commit()
    return deal


def refund_owed_on_cancel(deal: Deal) -> int:
    """What the seller will owe back once staff cancel: what the buyer paid and was not yet
    refunded, beyond the value of the goods it keeps (those received on the BAST). After the
    cancellation ``facts.overpaid`` says the same, and the seller records the refund with
    ``fulfilment.refund`` (the Refund row)."""
    kept = facts.amount_due(deal) if deal.delivery is not None else 0
    return max(deal.paid - deal.refunded - kept, 0)


def cancel_with_refund(actor, deal_id: int, note: str) -> Deal:
    """Cancel the disputed deal: the committed quantity returns to the listings and the seller
    owes the buyer back what it paid (``refund_owed_on_cancel``; stated in the history, the
    audit event and the notification). Raises NotFound, Invalid (no note), IllegalTransition,
    Conflict."""
    deal = disputed_deal(actor, deal_id)
    note = _note(note)
    refund = refund_owed_on_cancel(deal)
    reserved = deal.reserved_quantity
    moves.apply_move(
        deal,
        Action.STAFF_CANCEL,
        None,
        actor,
        f"{rupiah(refund)} · {note}",
        ctx=staff_context(deal),
        reserved_quantity=0,
        cancel_requested_by=None,
        resume_state=None,
        closed_at=utcnow(),
    )
    fulfilment._release(deal, reserved)  # the one way committed quantity goes back
    record(
        "dispute.cancelled_with_refund",
        deal,
        actor=actor,
        note=note,
        refund=refund,
        paid=deal.paid,
    )
    _tell_both(deal, "staff_cancel", amount=rupiah(refund))
    db.session.commit()
    return deal


def refer_to_basyarnas(actor, deal_id: int, note: str) -> Deal:
    """Refer the dispute to Basyarnas (once). It stays open until staff record the award as a
    settlement or a cancellation. Raises NotFound, Invalid, IllegalTransition, Conflict."""
    deal = disputed_deal(actor, deal_id)
    note = _note(note)
    moves.apply_move(deal, Action.REFER, None, actor, note, ctx=staff_context(deal))
    record("dispute.referred", deal, actor=actor, note=note)
    _tell_both(deal, "refer")
    db.session.commit()
    return deal
