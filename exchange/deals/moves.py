"""The one way a deal changes state: the lifecycle table decides, a conditional UPDATE makes it.

``apply_move`` checks the move against ``states.decide``, then ``UPDATE deals ... WHERE version =
:seen`` makes it (a concurrent move loses cleanly), and an append-only DealEvent is written in
the same transaction. Callers add column values, never the state: the table decides that."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from exchange.akad import Akad
from exchange.audit.services import record
from exchange.db import utcnow
from exchange.deals.facts import context
from exchange.deals.models import Deal, DealEvent, TermsVersion
from exchange.deals.states import Action, Side, State, decide
from exchange.errors import Conflict, IllegalTransition, NotFound
from exchange.extensions import db

RESERVED = frozenset({"state", "version", "last_move_at"})


def load_deal(deal_id: int) -> Deal:
    deal = db.session.get(Deal, deal_id)
    if deal is None:
        raise NotFound()
    return deal


def apply_move(deal: Deal, action: Action, side: Side | None, actor, note: str = "", **values):
    """Check the move against the table, then change the deal if nobody changed it meanwhile.

    ``values`` are the other columns the move sets; the state, the version and the time of the
    move are the table's and this function's to set (a caller passing one is a bug: TypeError).
    Flushes the event; never commits. Raises IllegalTransition or Conflict.
    """
    if reserved := RESERVED & values.keys():
        raise TypeError(f"apply_move sets {sorted(reserved)} itself")
    staff = bool(getattr(actor, "is_staff", False))  # staff settle disputes (disputes.py)
    decision = decide(values.pop("ctx", None) or context(deal), action, side, staff)
    if not decision.allowed:
        raise IllegalTransition(_l(decision.reason))
    from_state, seen = deal.state, deal.version
    now = values.pop("now", None) or utcnow()
    changes = {"state": decision.next_state.value, "version": seen + 1, "last_move_at": now}
    changes.update(values)
    result = db.session.execute(
        update(Deal)
        .where(Deal.id == deal.id, Deal.version == seen, Deal.state == from_state)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict()
    db.session.add(
        DealEvent(
            deal_id=deal.id,
            action=action.value,
            actor_id=getattr(actor, "id", None),
            actor_side=side.value if side else None,
            from_state=from_state,
            to_state=decision.next_state.value,
            terms_version=changes.get("terms_version", deal.terms_version),
            note=(note or "")[:1000],
            created_at=now,
        )
    )
    record(
        f"deal.{action.value}",
        deal,
        actor=actor,
        pesantren_id=getattr(actor, "pesantren_id", None),
        from_state=from_state,
        to_state=decision.next_state.value,
    )
    db.session.flush()
    db.session.expire(deal)
    return decision.next_state


def other_pesantren(deal: Deal, side: Side) -> int:
    return deal.buyer_pesantren_id if side is Side.SELLER else deal.seller_pesantren_id


def require_current(deal: Deal, seen_version: int) -> None:
    """The answer is to the version the user saw, and that version has not expired."""
    if deal.state == State.NEGOTIATING and is_stale(deal, utcnow()):
        raise IllegalTransition(_l("Negosiasi ini sudah kedaluwarsa karena tidak dijawab."))
    if deal.state == State.NEGOTIATING and seen_version != deal.terms_version:
        raise Conflict(_l("Syarat telah diubah oleh pihak lain; periksa versi terbaru."))


def is_stale(deal: Deal, now: datetime) -> bool:
    days = int(current_app.config["NEGOTIATION_EXPIRY_DAYS"])
    return deal.last_move_at < now - timedelta(days=days)


def new_version(deal: Deal, number: int, terms, side: Side, actor, message: str):
    """A new terms version of ``deal`` (added, not flushed)."""
    version = TermsVersion(
        deal_id=deal.id,
        number=number,
        quantity=terms.quantity,
        unit_price=terms.unit_price,
        grade=terms.grade,
        akad=terms.akad,
        handover_date=terms.handover_date,
        handover_place=terms.handover_place.strip()[:255],
        transport=terms.transport,
        payment_due_date=terms.payment_due_date,
        payment_schedule=[{"due": s.due.isoformat(), "amount": s.amount} for s in terms.schedule],
        cost_price=terms.cost_price,
        margin=terms.margin,
        seller_owns=bool(terms.akad == Akad.MURABAHAH and terms.seller_owns),
        message=(message or "").strip()[:1000],
        author_side=side.value,
        author_id=actor.id,
    )
    db.session.add(version)
    return version
