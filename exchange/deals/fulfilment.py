"""After signing: payment, shipping, the handover record (BAST), completion, disputes,
cancellation by agreement, the salam shortfall choice, refunds and ratings. Each function
commits once. Reciprocal bundles are in ``reciprocal.py``."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from exchange.clock import to_wib, today_wib
from exchange.db import utcnow
from exchange.deals import after_signing, bundle_session
from exchange.deals import akad as rules
from exchange.deals.checks import reason_text
from exchange.deals.facts import amount_due, context, contract_date
from exchange.deals.models import Deal, Delivery, Payment, Rating, Refund
from exchange.deals.moves import apply_move, load_deal, other_pesantren
from exchange.deals.notify import notify
from exchange.deals.states import Action, Side, decide
from exchange.deals.visibility import side_of
from exchange.errors import Conflict, IllegalTransition, Invalid
from exchange.extensions import db
from exchange.listings import quantity as listing_quantity

# Every move after signing is one use case in six steps: load the deal, find the actor's side
# (strangers: 404), ask the lifecycle table, check the input, make the move, tell the other side
# and commit. ``_party`` is the first three, ``_done`` the last three.


def _party(actor, deal_id: int, action: Action | None = None) -> tuple[Deal, Side]:
    """The deal and the actor's side; with ``action``, refused before any input is checked."""
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    if action is not None:
        _check_allowed(deal, action, side)
    return deal, side


def _done(deal: Deal, action: Action, side: Side, actor, note: str = "", **values) -> Deal:
    """Make the move (the table decides the state), notify the other side, commit."""
    apply_move(deal, action, side, actor, note, **values)
    notify(deal, other_pesantren(deal, side), action.value)
    db.session.commit()
    return deal


def _cancel(deal: Deal, action: Action, side: Side, actor, note: str) -> Deal:
    """A cancellation: the committed quantity returns to the listings."""
    reserved = deal.reserved_quantity
    apply_move(deal, action, side, actor, note, reserved_quantity=0, closed_at=utcnow())
    _release(deal, reserved)
    notify(deal, other_pesantren(deal, side), action.value)
    db.session.commit()
    return deal


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


def _net_paid(deal: Deal) -> int:
    return deal.paid - deal.refunded


def _mark_same_session(deal: Deal, now) -> dict:
    """The values that flag the deal settled in the same session: the full price and the BAST
    were recorded on one WIB day (the later of the two now). Empty when not so."""
    if deal.same_session_at is not None or deal.delivery is None:
        return {}
    if _net_paid(deal) < amount_due(deal) or not deal.payments:
        return {}
    day = to_wib(now).date()
    handed_over = to_wib(deal.delivery.created_at).date()
    paid_in_full = to_wib(max(p.created_at for p in deal.payments)).date()
    if handed_over == day and paid_in_full == day:
        return {"same_session_at": now}
    return {}


def record_payment(actor, deal_id: int, amount: int, paid_on: date, note: str = "") -> Payment:
    """The buyer records a payment, as the akad allows: never before the contract date nor in
    the future; tunai in full at once; salam never (paid in full at signing). Raises
    IllegalTransition, Invalid."""
    deal, side = _party(actor, deal_id, Action.PAY)
    terms = deal.current_terms
    _refuse(
        after_signing.check_payment(
            terms.akad,
            amount,
            _net_paid(deal),
            amount_due(deal),
            paid_on,
            contract_date(deal),
            today_wib(),
        )
    )
    now = utcnow()
    payment = Payment(
        deal_id=deal.id,
        amount=amount,
        paid_on=paid_on,
        note=note[:500],
        recorded_by_id=actor.id,
        created_at=now,
    )
    db.session.add(payment)
    db.session.flush()
    db.session.expire(deal, ["payments"])
    _done(
        deal, Action.PAY, side, actor, note or f"{amount}", now=now, **_mark_same_session(deal, now)
    )
    return payment


def confirm_salam_receipt(actor, deal_id: int, note: str = "") -> Payment:
    """Salam: the seller confirms it received the price in full (on the signing day, by 24:00
    WIB); the payment (and its kuitansi in the seller's name) is recorded then, and the contract
    counts as signed. Raises IllegalTransition, Invalid."""
    deal, side = _party(actor, deal_id, Action.CONFIRM_RECEIPT)
    signed_on = contract_date(deal)
    if signed_on != today_wib():
        raise Invalid(
            _l("Batas konfirmasi (pukul 24.00 WIB hari akad) sudah lewat; penerimaan akad gugur.")
        )
    now, before = utcnow(), context(deal)  # the move is decided on the deal before the receipt
    payment = Payment(
        deal_id=deal.id,
        amount=deal.current_terms.total,
        paid_on=signed_on,
        note="Harga salam diterima penjual lunas saat akad",
        recorded_by_id=actor.id,
        created_at=now,
    )
    db.session.add(payment)
    db.session.flush()
    db.session.expire(deal, ["payments"])
    _done(deal, Action.CONFIRM_RECEIPT, side, actor, note, ctx=before, now=now)
    return payment


def ship(actor, deal_id: int, note: str = "") -> Deal:
    deal, side = _party(actor, deal_id, Action.SHIP)
    _refuse(after_signing.check_ship(deal.current_terms.akad, deal.paid, deal.current_terms.total))
    return _done(deal, Action.SHIP, side, actor, note)


def receive(
    actor,
    deal_id: int,
    quantity_received: int,
    grade_received: int | None,
    received_on: date,
    note: str = "",
    shortfall_outcome: str | None = None,
    paid_now: int | None = None,
) -> Delivery:
    """The buyer records the handover (BAST), with the payment made at the handover if any
    (``paid_now``, recorded in the same step: tunai is paid then at the latest). A shortfall
    returns to the listings (``returned``) or is dropped by agreement (``cancelled``); what was
    paid for the missing part is then owed back (``refund``). Raises IllegalTransition,
    Invalid."""
    deal, side = _party(actor, deal_id, Action.RECEIVE)
    terms = deal.current_terms
    agreed = terms.quantity
    if quantity_received is None or not 0 <= quantity_received <= agreed:
        raise Invalid(
            _l("Jumlah diterima harus antara 0 dan %(q)s.", q=agreed), field="quantity_received"
        )
    shortfall = agreed - quantity_received
    if shortfall and shortfall_outcome not in ("returned", "cancelled"):
        raise Invalid(
            _l("Pilih apa yang terjadi dengan kekurangan %(q)s.", q=shortfall),
            field="shortfall_outcome",
        )
    grades = len(deal.commodity.grades)
    if grade_received is not None and not 1 <= grade_received <= grades:
        raise Invalid(_l("Pilih salah satu mutu komoditas ini."), field="grade_received")
    late_bundle = bundle_session.ribawi_bundle_session(deal)
    _refuse(
        after_signing.check_receive(
            terms.akad,
            quantity_received * terms.unit_price,
            _net_paid(deal),
            paid_now or 0,
            received_on,
            contract_date(deal),
            today_wib(),
        )
    )
    now = utcnow()
    if paid_now:
        db.session.add(
            Payment(
                deal_id=deal.id,
                amount=paid_now,
                paid_on=received_on,
                note="Dibayar saat penyerahan (BAST)",
                recorded_by_id=actor.id,
                created_at=now,
            )
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
        created_at=now,
    )
    db.session.add(delivery)
    reserved = deal.reserved_quantity
    if shortfall and shortfall_outcome == "returned":
        _release(deal, shortfall)
        reserved -= shortfall
    if late_bundle is not None:
        bundle_session.flag_breach(late_bundle, deal, actor, now)
    db.session.flush()
    db.session.expire(deal, ["payments", "delivery"])
    _done(
        deal,
        Action.RECEIVE,
        side,
        actor,
        note,
        now=now,
        reserved_quantity=reserved,
        **_mark_same_session(deal, now),
    )
    return delivery


def complete(actor, deal_id: int, note: str = "") -> Deal:
    """The seller confirms payment in full for what was received; the deal is done."""
    deal, side = _party(actor, deal_id, Action.COMPLETE)
    _refuse(after_signing.check_complete(deal.paid, amount_due(deal), deal.refunded))
    bundle_session.refuse_half_handed_ribawi_bundle(deal)
    return _done(deal, Action.COMPLETE, side, actor, note, closed_at=utcnow())


def dispute(actor, deal_id: int, reason: str) -> Deal:
    """Raise a dispute with a reason (staff can read it)."""
    deal, side = _party(actor, deal_id, Action.DISPUTE)
    if not (reason or "").strip():
        raise Invalid(_l("Tuliskan alasan sengketa."), field="reason")
    return _done(
        deal,
        Action.DISPUTE,
        side,
        actor,
        reason,
        disputed_by=side.value,
        dispute_reason=reason.strip()[:1000],
        resume_state=deal.state,
    )


def resolve(actor, deal_id: int, note: str = "") -> Deal:
    """The side that raised the dispute withdraws it; the deal goes on where it was."""
    deal, side = _party(actor, deal_id)
    return _done(deal, Action.RESOLVE, side, actor, note, disputed_by=None, resume_state=None)


def request_cancel(actor, deal_id: int, note: str = "") -> Deal:
    deal, side = _party(actor, deal_id)
    return _done(
        deal,
        Action.REQUEST_CANCEL,
        side,
        actor,
        note,
        cancel_requested_by=side.value,
    )


def decline_cancel(actor, deal_id: int, note: str = "") -> Deal:
    deal, side = _party(actor, deal_id)
    return _done(deal, Action.DECLINE_CANCEL, side, actor, note, cancel_requested_by=None)


def agree_cancel(actor, deal_id: int, note: str = "") -> Deal:
    """Cancel by agreement: the committed quantity returns to the listings."""
    deal, side = _party(actor, deal_id)
    return _cancel(deal, Action.AGREE_CANCEL, side, actor, note)


def wait_for_goods(actor, deal_id: int, new_due: date | None, note: str = "") -> Deal:
    """Salam, goods missing on the due date: the buyer chooses to wait until ``new_due``.
    Raises IllegalTransition (not the buyer, not yet due, not salam), Invalid (the date)."""
    deal, side = _party(actor, deal_id, Action.WAIT)
    _refuse(after_signing.check_wait(new_due, today_wib()))
    return _done(deal, Action.WAIT, side, actor, note or new_due.isoformat(), delivery_due=new_due)


def cancel_with_refund(actor, deal_id: int, note: str = "") -> Deal:
    """Salam, goods missing on the due date: the buyer cancels; the quantity returns to the
    listings and the seller owes back what was paid (recorded with ``refund``). Raises
    IllegalTransition."""
    deal, side = _party(actor, deal_id)
    return _cancel(deal, Action.CANCEL_REFUND, side, actor, note)


def refund(actor, deal_id: int, amount: int, refunded_on: date, note: str = "") -> Refund:
    """The seller records money returned to the buyer: what was paid beyond the value of the
    goods received (a short delivery), or what was paid for a cancelled deal. Raises
    IllegalTransition (nothing owed, not the seller), Invalid (amount, date)."""
    deal, side = _party(actor, deal_id, Action.REFUND)
    _refuse(
        after_signing.check_refund(
            amount,
            deal.paid,
            deal.refunded,
            amount_due(deal),
            refunded_on,
            contract_date(deal),
            today_wib(),
        )
    )
    row = Refund(
        deal_id=deal.id,
        amount=amount,
        refunded_on=refunded_on,
        note=(note or "").strip()[:500],
        recorded_by_id=actor.id,
    )
    db.session.add(row)
    _done(deal, Action.REFUND, side, actor, note or f"{amount}")
    return row


def rate(actor, deal_id: int, score: int, comment: str = "") -> Rating:
    """After completion each side rates the other once (1 to 5)."""
    deal, side = _party(actor, deal_id, Action.RATE)
    if score not in range(1, 6):
        raise Invalid(_l("Beri nilai 1 sampai 5."), field="score")
    mine = deal.seller_pesantren_id if side is Side.SELLER else deal.buyer_pesantren_id
    if any(r.rater_pesantren_id == mine for r in deal.ratings):
        raise Conflict(_l("Anda sudah memberi penilaian untuk kesepakatan ini."))
    rating = Rating(
        deal_id=deal.id,
        rater_pesantren_id=mine,
        ratee_pesantren_id=other_pesantren(deal, side),
        score=score,
        comment=(comment or "").strip()[:1000],
        rater_id=actor.id,
    )
    db.session.add(rating)
    already = Conflict(_l("Anda sudah memberi penilaian untuk kesepakatan ini."))
    try:
        apply_move(deal, Action.RATE, side, actor, f"{score}")
        notify(deal, other_pesantren(deal, side), "rate")
        db.session.commit()
    except IntegrityError:
        # Two rating requests at once: the UNIQUE (deal, rater) key lets one through.
        db.session.rollback()
        raise already from None
    return rating
