"""Every derived fact about a deal, in one place: its terms, the lifecycle table's view of it
(context), the amount due, what is due now, overpayment, the contract date, whose move it waits
for. Deals, digests, reminders, home and the dashboard ask here and never re-derive a fact from
the tables; ``load()`` gives the load options these facts need, for lists of deals."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import selectinload

from exchange.clock import to_wib, today_wib
from exchange.deals import after_signing, dues
from exchange.deals import akad as rules
from exchange.deals.models import Deal
from exchange.deals.rows import DealFacts, TermsFacts
from exchange.deals.states import (
    HOLDS_QUANTITY,
    Action,
    Context,
    Side,
    State,
    available_actions,
    awaited_action,
)


def load() -> tuple:
    """What the facts below read of a deal beyond its row (the pesantren and the commodity are
    joined already): load a list of deals with ``.options(*facts.load())``, and the facts make
    no query per deal. (A function: the options configure the mappers, so not at import.)"""
    return (
        selectinload(Deal.versions),
        selectinload(Deal.payments),
        selectinload(Deal.refunds),
        selectinload(Deal.delivery),
    )


def context(deal: DealFacts, today: date | None = None) -> Context:
    """The lifecycle table's view of the deal; ``today`` (WIB, default now) dates what is due."""
    terms_akad = deal.current_terms.akad if deal.versions else ""
    state = State(deal.state)
    signed = deal.versions and state in HOLDS_QUANTITY
    accepted = deal.accepted_version is not None  # also once cancelled (a refund may be owed)
    return Context(
        state=state,
        whose_turn=Side(deal.whose_turn) if deal.whose_turn else None,
        cancel_requested_by=Side(deal.cancel_requested_by) if deal.cancel_requested_by else None,
        disputed_by=Side(deal.disputed_by) if deal.disputed_by else None,
        resume_state=State(deal.resume_state) if deal.resume_state else None,
        buyer_pays_first=after_signing.buyer_pays_first(terms_akad)
        and deal.paid < amount_due(deal),
        shortfall_choice=accepted
        and state in (State.SIGNED, State.SHIPPED)
        and after_signing.shortfall_choice_open(terms_akad, deal.due_date, today or today_wib()),
        refund_owed=accepted and overpaid(deal) > 0,
        payment_due=bool(signed and payment_due(deal, today).amount > 0),
        receipt_pending=receipt_pending(deal),
        unpaid=bool(signed and deal.paid - deal.refunded < amount_due(deal)),
    )


def receipt_pending(deal: Deal) -> bool:
    """Salam: accepted, and the seller has not yet confirmed it received the price (the
    contract counts as signed once it has; ``fulfilment.confirm_salam_receipt``)."""
    return (
        deal.accepted_version is not None
        and deal.state == State.SIGNED
        and bool(deal.versions)
        and after_signing.buyer_pays_first(deal.current_terms.akad)
        and deal.paid <= 0
    )


def payment_due(deal: DealFacts, today: date | None = None) -> dues.Due:
    """What the buyer owes on a signed deal now, by its akad (``deals/dues.py``)."""
    terms = terms_of(deal.current_terms)
    return dues.due_now(
        terms.akad,
        amount_due(deal),
        deal.paid - deal.refunded,
        today or today_wib(),
        handed_over=deal.delivery is not None,
        payment_due_date=terms.payment_due_date,
        schedule=terms.schedule,
        signed_on=to_wib(deal.signed_at).date() if deal.signed_at else None,
        handover_date=terms.handover_date,
    )


def amount_due(deal: DealFacts) -> int:
    """What the buyer owes: the value of what was received once the BAST is recorded, nothing
    for a deal cancelled before it, else the contract's total. The one owner of this fact."""
    terms = deal.current_terms
    if deal.delivery is not None:
        return deal.delivery.quantity_received * terms.unit_price
    if deal.state == State.CANCELLED:
        return 0
    return terms.total


def overpaid(deal: DealFacts) -> int:
    """Money the buyer paid beyond the value due and not yet refunded (0 when none)."""
    return max(deal.paid - deal.refunded - amount_due(deal), 0)


def contract_date(deal: DealFacts) -> date | None:
    """The signing day in WIB (payments, handovers and refunds are not dated before it)."""
    return to_wib(deal.signed_at).date() if deal.signed_at else None


def terms_of(version: TermsFacts) -> rules.Terms:
    return rules.Terms(
        quantity=version.quantity,
        unit_price=version.unit_price,
        akad=version.akad,
        handover_date=version.handover_date,
        handover_place=version.handover_place,
        transport=version.transport,
        grade=version.grade,
        payment_due_date=version.payment_due_date,
        schedule=tuple(
            rules.Stage(date.fromisoformat(s["due"]), int(s["amount"]))
            for s in version.payment_schedule or []
        ),
        cost_price=version.cost_price,
        margin=version.margin,
        seller_owns=bool(getattr(version, "seller_owns", False)),  # list rows: not read
    )


def awaited(deal: DealFacts, pesantren_id: int | None, today: date | None = None) -> Action | None:
    """What the deal waits on this pesantren to do now (None: nothing, or it is no party)."""
    side = deal.side_of(pesantren_id)
    if side is None:
        return None
    return awaited_action(context(deal, today), Side(side))


def waits_for(deal: DealFacts, pesantren_id: int | None, today: date | None = None) -> bool:
    """Does the deal wait on a move by this pesantren ("Menunggu Anda")?"""
    return awaited(deal, pesantren_id, today) is not None


def awaited_by_side(deal: DealFacts, today: date | None = None) -> dict[Side, Action]:
    """What the deal waits for now, from whom: each side the lifecycle table waits on, with
    the move it waits for (``states.awaited_action``; an empty dict: it waits on nobody)."""
    ctx = context(deal, today)
    found = {side: awaited_action(ctx, side) for side in Side}
    return {side: action for side, action in found.items() if action is not None}


def moves_of(deal: DealFacts, pesantren_id: int | None, today: date | None = None) -> list[Action]:
    """The moves this pesantren may make on the deal now (the page's buttons), in the lifecycle
    table's order; none for a pesantren that is no party."""
    side = deal.side_of(pesantren_id)
    if side is None:
        return []
    return available_actions(context(deal, today), Side(side))
