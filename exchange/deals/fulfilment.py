"""After signing: payment, shipping, the handover record (BAST), completion, disputes,
cancellation by agreement, ratings and reciprocal bundles. Each function commits once."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from exchange.audit.services import record
from exchange.db import utcnow
from exchange.deals import akad as rules
from exchange.deals import bundle as bundles
from exchange.deals.models import Bundle, Deal, Delivery, Payment, Rating
from exchange.deals.notify import notify
from exchange.deals.services import (
    _amount_due,
    _other_pesantren,
    apply_move,
    context,
    load_deal,
    reason_text,
    side_of,
)
from exchange.deals.states import TERMINAL, Action, Side, State, decide
from exchange.errors import Conflict, IllegalTransition, Invalid
from exchange.extensions import db
from exchange.listings import quantity as listing_quantity


def _refuse(reasons: list[rules.Reason]) -> None:
    if reasons:
        raise Invalid(reason_text(reasons[0]), field=reasons[0].field)


def _check_allowed(deal: Deal, action: Action, side: Side) -> None:
    """Refuse before any validation of input, so an illegal move says so first."""
    decision = decide(context(deal), action, side)
    if not decision.allowed:
        raise IllegalTransition(_l(decision.reason))


def _release(deal: Deal, quantity: int) -> None:
    for listing_id in (deal.offer_id, deal.request_id):
        if listing_id is not None:
            listing_quantity.release(listing_id, quantity)


def record_payment(actor, deal_id: int, amount: int, paid_on: date, note: str = "") -> Payment:
    """The buyer records a payment, as the akad allows (salam and tunai: in full at once)."""
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    _check_allowed(deal, Action.PAY, side)
    terms = deal.current_terms
    _refuse(rules.check_payment(terms.akad, amount, deal.paid, _amount_due(deal)))
    payment = Payment(
        deal_id=deal.id, amount=amount, paid_on=paid_on, note=note[:500], recorded_by_id=actor.id
    )
    db.session.add(payment)
    apply_move(deal, Action.PAY, side, actor, note or f"{amount}")
    notify(deal, _other_pesantren(deal, side), "pay")
    db.session.commit()
    return payment


def ship(actor, deal_id: int, note: str = "") -> Deal:
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    _check_allowed(deal, Action.SHIP, side)
    _refuse(rules.check_ship(deal.current_terms.akad, deal.paid, deal.current_terms.total))
    apply_move(deal, Action.SHIP, side, actor, note)
    notify(deal, _other_pesantren(deal, side), "ship")
    db.session.commit()
    return deal


def receive(
    actor,
    deal_id: int,
    quantity_received: int,
    grade_received: int | None,
    received_on: date,
    note: str = "",
    shortfall_outcome: str | None = None,
) -> Delivery:
    """The buyer records the handover (BAST). A shortfall returns to the listings
    (``returned``) or is dropped by agreement (``cancelled``)."""
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    _check_allowed(deal, Action.RECEIVE, side)
    agreed = deal.current_terms.quantity
    if not 0 <= quantity_received <= agreed:
        raise Invalid(
            _l("Jumlah diterima harus antara 0 dan %(q)s.", q=agreed), field="quantity_received"
        )
    shortfall = agreed - quantity_received
    if shortfall and shortfall_outcome not in ("returned", "cancelled"):
        raise Invalid(
            _l("Pilih apa yang terjadi dengan kekurangan %(q)s.", q=shortfall),
            field="shortfall_outcome",
        )
    delivery = Delivery(
        deal_id=deal.id,
        quantity_received=quantity_received,
        grade_received=grade_received,
        shortfall=shortfall,
        shortfall_outcome=shortfall_outcome if shortfall else None,
        note=note[:2000],
        received_on=received_on,
        recorded_by_id=actor.id,
    )
    db.session.add(delivery)
    reserved = deal.reserved_quantity
    if shortfall and shortfall_outcome == "returned":
        _release(deal, shortfall)
        reserved -= shortfall
    apply_move(deal, Action.RECEIVE, side, actor, note, reserved_quantity=reserved)
    notify(deal, _other_pesantren(deal, side), "receive")
    db.session.commit()
    return delivery


def complete(actor, deal_id: int, note: str = "") -> Deal:
    """The seller confirms payment in full for what was received; the deal is done."""
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    _check_allowed(deal, Action.COMPLETE, side)
    _refuse(rules.check_complete(deal.paid, _amount_due(deal)))
    apply_move(deal, Action.COMPLETE, side, actor, note, closed_at=utcnow())
    notify(deal, _other_pesantren(deal, side), "complete")
    db.session.commit()
    return deal


def dispute(actor, deal_id: int, reason: str) -> Deal:
    """Raise a dispute with a reason (staff can read it)."""
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    _check_allowed(deal, Action.DISPUTE, side)
    if not (reason or "").strip():
        raise Invalid(_l("Tuliskan alasan sengketa."), field="reason")
    apply_move(
        deal,
        Action.DISPUTE,
        side,
        actor,
        reason,
        disputed_by=side.value,
        dispute_reason=reason.strip()[:1000],
        resume_state=deal.state,
    )
    notify(deal, _other_pesantren(deal, side), "dispute")
    db.session.commit()
    return deal


def resolve(actor, deal_id: int, note: str = "") -> Deal:
    """The side that raised the dispute withdraws it; the deal goes on where it was."""
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    apply_move(deal, Action.RESOLVE, side, actor, note, disputed_by=None, resume_state=None)
    notify(deal, _other_pesantren(deal, side), "resolve")
    db.session.commit()
    return deal


def request_cancel(actor, deal_id: int, note: str = "") -> Deal:
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    apply_move(
        deal,
        Action.REQUEST_CANCEL,
        side,
        actor,
        note,
        state=deal.state,
        cancel_requested_by=side.value,
    )
    notify(deal, _other_pesantren(deal, side), "request_cancel")
    db.session.commit()
    return deal


def decline_cancel(actor, deal_id: int, note: str = "") -> Deal:
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    apply_move(deal, Action.DECLINE_CANCEL, side, actor, note, cancel_requested_by=None)
    notify(deal, _other_pesantren(deal, side), "decline_cancel")
    db.session.commit()
    return deal


def agree_cancel(actor, deal_id: int, note: str = "") -> Deal:
    """Cancel by agreement: the committed quantity returns to the listings."""
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    reserved = deal.reserved_quantity
    apply_move(
        deal, Action.AGREE_CANCEL, side, actor, note, reserved_quantity=0, closed_at=utcnow()
    )
    _release(deal, reserved)
    notify(deal, _other_pesantren(deal, side), "agree_cancel")
    db.session.commit()
    return deal


def rate(actor, deal_id: int, score: int, comment: str = "") -> Rating:
    """After completion each side rates the other once (1 to 5)."""
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    _check_allowed(deal, Action.RATE, side)
    if score not in range(1, 6):
        raise Invalid(_l("Beri nilai 1 sampai 5."), field="score")
    mine = deal.seller_pesantren_id if side is Side.SELLER else deal.buyer_pesantren_id
    if any(r.rater_pesantren_id == mine for r in deal.ratings):
        raise Conflict(_l("Anda sudah memberi penilaian untuk kesepakatan ini."))
    rating = Rating(
        deal_id=deal.id,
        rater_pesantren_id=mine,
        ratee_pesantren_id=_other_pesantren(deal, side),
        score=score,
        comment=(comment or "").strip()[:1000],
        rater_id=actor.id,
    )
    db.session.add(rating)
    already = Conflict(_l("Anda sudah memberi penilaian untuk kesepakatan ini."))
    try:
        apply_move(deal, Action.RATE, side, actor, f"{score}")
        notify(deal, _other_pesantren(deal, side), "rate")
        db.session.commit()
    except IntegrityError:
        # Two rating requests at once: the UNIQUE (deal, rater) key lets one through.
        db.session.rollback()
        raise already from None
    return rating


def tie_bundle(actor, deal_a_id: int, deal_b_id: int) -> Bundle:
    """Tie two sales running both ways between the same two pesantren into one agreement.

    Each leg stays its own sale with its own contract. Raises NotFound, Invalid, Conflict."""
    a, b = load_deal(deal_a_id), load_deal(deal_b_id)
    side_of(actor, a)
    side_of(actor, b)
    if not bundles.legs_are_reciprocal(_leg(a), _leg(b)):
        raise Invalid(_l("Kedua kesepakatan harus berlawanan arah antara dua pesantren yang sama."))
    if State(a.state) in TERMINAL or State(b.state) in TERMINAL:
        raise Invalid(_l("Kesepakatan yang sudah berakhir tidak dapat digabungkan."))
    taken = db.session.scalar(
        select(Bundle.id).where(
            or_(Bundle.leg_a_id.in_((a.id, b.id)), Bundle.leg_b_id.in_((a.id, b.id)))
        )
    )
    if taken:
        raise Conflict(_l("Salah satu kesepakatan sudah masuk paket timbal balik."))
    bundle = Bundle(leg_a_id=a.id, leg_b_id=b.id, created_by_id=actor.id)
    db.session.add(bundle)
    db.session.flush()
    record(
        "deal.bundled", bundle, actor=actor, pesantren_id=actor.pesantren_id, leg_a=a.id, leg_b=b.id
    )
    db.session.commit()
    return bundle


def _leg(deal: Deal) -> bundles.Leg:
    total = deal.contract.total if deal.contract else deal.current_terms.total
    return bundles.Leg(deal.seller_pesantren_id, deal.buyer_pesantren_id, total)


def settlement(bundle: Bundle) -> bundles.Settlement:
    return bundles.settle(_leg(bundle.leg_a), _leg(bundle.leg_b))


def bundle_of(deal_id: int) -> Bundle | None:
    found = db.session.scalar(
        select(Bundle).where(or_(Bundle.leg_a_id == deal_id, Bundle.leg_b_id == deal_id))
    )
    return found
