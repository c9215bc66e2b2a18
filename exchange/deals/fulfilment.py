"""After signing: payment, shipping, the handover record (BAST), completion, disputes,
cancellation by agreement, ratings and reciprocal bundles. Each function commits once."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from exchange.audit.services import record
from exchange.db import utcnow
from exchange.deals import akad as rules
from exchange.deals import bounds, ribawi, services
from exchange.deals import bundle as bundles
from exchange.deals.models import Bundle, Deal, Delivery, Payment, Rating, Refund
from exchange.deals.notify import notify
from exchange.deals.services import (
    _amount_due,
    _other_pesantren,
    _today,
    apply_move,
    context,
    contract_date,
    load_deal,
    reason_text,
    side_of,
)
from exchange.deals.states import N_, TERMINAL, Action, Side, State, decide
from exchange.errors import Conflict, IllegalTransition, Invalid
from exchange.extensions import db
from exchange.i18n import rupiah, short_date, to_wib
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


def _net_paid(deal: Deal) -> int:
    return deal.paid - deal.refunded


def _mark_same_session(deal: Deal, now) -> dict:
    """The values that flag the deal settled in the same session: the full price and the BAST
    were recorded on one WIB day (the later of the two now). Empty when not so."""
    if deal.same_session_at is not None or deal.delivery is None:
        return {}
    if _net_paid(deal) < _amount_due(deal) or not deal.payments:
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
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    _check_allowed(deal, Action.PAY, side)
    terms = deal.current_terms
    _refuse(
        rules.check_payment(
            terms.akad,
            amount,
            _net_paid(deal),
            _amount_due(deal),
            paid_on,
            contract_date(deal),
            _today(),
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
    apply_move(
        deal, Action.PAY, side, actor, note or f"{amount}", now=now, **_mark_same_session(deal, now)
    )
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
    paid_now: int | None = None,
) -> Delivery:
    """The buyer records the handover (BAST), with the payment made at the handover if any
    (``paid_now``, recorded in the same step: tunai is paid then at the latest). A shortfall
    returns to the listings (``returned``) or is dropped by agreement (``cancelled``); what was
    paid for the missing part is then owed back (``refund``). Raises IllegalTransition,
    Invalid."""
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    _check_allowed(deal, Action.RECEIVE, side)
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
    _refuse_unsettled_ribawi_bundle(deal)
    _refuse(
        rules.check_receive(
            terms.akad,
            quantity_received * terms.unit_price,
            _net_paid(deal),
            paid_now or 0,
            received_on,
            contract_date(deal),
            _today(),
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
    db.session.flush()
    db.session.expire(deal, ["payments", "delivery"])
    apply_move(
        deal,
        Action.RECEIVE,
        side,
        actor,
        note,
        now=now,
        reserved_quantity=reserved,
        **_mark_same_session(deal, now),
    )
    notify(deal, _other_pesantren(deal, side), "receive")
    db.session.commit()
    return delivery


def _refuse_unsettled_ribawi_bundle(deal: Deal) -> None:
    """Ribawi legs of one class are handed over in the session of the settlement: the BAST of
    such a leg is recorded on the day the bundle's net amount is recorded."""
    bundle = bundle_of(deal.id)
    if bundle is None:
        return
    if not ribawi.same_class(services.ribawi_leg(bundle.leg_a), services.ribawi_leg(bundle.leg_b)):
        return
    if bundle.settled_at is None or to_wib(bundle.settled_at).date() != _today():
        raise Invalid(
            _l(
                "Barang ribawi dalam paket timbal balik diserahkan dalam satu majelis: catat "
                "selisih paket dan kedua berita acara pada hari yang sama."
            )
        )


def complete(actor, deal_id: int, note: str = "") -> Deal:
    """The seller confirms payment in full for what was received; the deal is done."""
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    _check_allowed(deal, Action.COMPLETE, side)
    _refuse(rules.check_complete(deal.paid, _amount_due(deal), deal.refunded))
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


def wait_for_goods(actor, deal_id: int, new_due: date | None, note: str = "") -> Deal:
    """Salam, goods missing on the due date: the buyer chooses to wait until ``new_due``.
    Raises IllegalTransition (not the buyer, not yet due, not salam), Invalid (the date)."""
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    _check_allowed(deal, Action.WAIT, side)
    _refuse(rules.check_wait(new_due, _today()))
    apply_move(deal, Action.WAIT, side, actor, note or new_due.isoformat(), delivery_due=new_due)
    notify(deal, _other_pesantren(deal, side), "wait")
    db.session.commit()
    return deal


def cancel_with_refund(actor, deal_id: int, note: str = "") -> Deal:
    """Salam, goods missing on the due date: the buyer cancels; the quantity returns to the
    listings and the seller owes back what was paid (recorded with ``refund``). Raises
    IllegalTransition."""
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    reserved = deal.reserved_quantity
    apply_move(
        deal,
        Action.CANCEL_REFUND,
        side,
        actor,
        note,
        reserved_quantity=0,
        closed_at=utcnow(),
    )
    _release(deal, reserved)
    notify(deal, _other_pesantren(deal, side), "cancel_refund")
    db.session.commit()
    return deal


def refund(actor, deal_id: int, amount: int, refunded_on: date, note: str = "") -> Refund:
    """The seller records money returned to the buyer: what was paid beyond the value of the
    goods received (a short delivery), or what was paid for a cancelled deal. Raises
    IllegalTransition (nothing owed, not the seller), Invalid (amount, date)."""
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    _check_allowed(deal, Action.REFUND, side)
    _refuse(
        rules.check_refund(
            amount,
            deal.paid,
            deal.refunded,
            _amount_due(deal),
            refunded_on,
            contract_date(deal),
            _today(),
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
    apply_move(deal, Action.REFUND, side, actor, note or f"{amount}")
    notify(deal, _other_pesantren(deal, side), "refund")
    db.session.commit()
    return row


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
    apply_move(deal, Action.RATE, side, actor, f"{score}")
    notify(deal, _other_pesantren(deal, side), "rate")
    db.session.commit()
    return rating


def tie_bundle(actor, deal_a_id: int, deal_b_id: int) -> Bundle:
    """Tie two sales running both ways between the same two pesantren into one agreement.

    Each leg stays its own sale with its own contract; the net amount is settled once
    (``settle_bundle``). Refused for ended or completed deals, a salam leg (its price is paid
    in full at signing and cannot be set off), a leg already paid, a seller re-selling
    undelivered salam goods, and ribawi legs that break DOMAIN.md 7.5 (``ribawi.py``).
    Raises NotFound, Invalid, Conflict."""
    a, b = load_deal(deal_a_id), load_deal(deal_b_id)
    side_of(actor, a)
    side_of(actor, b)
    if not bundles.legs_are_reciprocal(_leg(a), _leg(b)):
        raise Invalid(_l("Kedua kesepakatan harus berlawanan arah antara dua pesantren yang sama."))
    for deal in (a, b):
        if State(deal.state) in TERMINAL or deal.state == State.COMPLETED:
            raise Invalid(_l("Kesepakatan yang sudah berakhir tidak dapat digabungkan."))
        if deal.current_terms.akad == "salam":
            raise Invalid(
                _l(
                    "Akad salam dibayar lunas saat akad, tidak dengan memperhitungkan utang; "
                    "akad salam tidak dapat masuk paket timbal balik."
                )
            )
        if deal.payments:
            raise Invalid(_l("Kesepakatan yang sudah dibayar tidak dapat digabungkan."))
        _refuse(services.salam_resale_reasons(deal.seller_pesantren_id, deal.commodity_id))
    _refuse(services.ribawi_reasons(a, b))
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


def _bundle_for(actor, deal_id: int) -> Bundle:
    deal = load_deal(deal_id)
    side_of(actor, deal)
    bundle = bundle_of(deal.id)
    if bundle is None:
        raise Invalid(_l("Kesepakatan ini tidak masuk paket timbal balik."))
    return bundle


def settle_bundle(actor, deal_id: int, paid_on: date, note: str = "") -> Bundle:
    """Record the net settlement of a reciprocal bundle once: the debtor pays the difference
    and each leg's price is otherwise set off against the other, so both legs are paid in full
    and both deals' payments show it. Ribawi legs of one class: on their common handover day
    only (the same session as the handovers). Raises NotFound, Invalid, Conflict."""
    bundle = _bundle_for(actor, deal_id)
    a, b = bundle.leg_a, bundle.leg_b
    if bundle.settled_at is not None:
        raise Conflict(_l("Selisih paket ini sudah dicatat."))
    for deal in (a, b):
        if deal.state not in (State.SIGNED, State.SHIPPED):
            raise Invalid(
                _l("Selisih dicatat setelah kedua kontrak dibuat dan sebelum barang diterima.")
            )
        if deal.payments:
            raise Invalid(_l("Salah satu kesepakatan sudah dibayar; selisih tidak dapat dicatat."))
    today = _today()
    signed_on = max(contract_date(a), contract_date(b))
    _refuse(bounds.check_recorded_date(paid_on, signed_on, today, "paid_on", N_("Tanggal bayar")))
    if ribawi.same_class(services.ribawi_leg(a), services.ribawi_leg(b)) and (
        a.current_terms.handover_date != today or paid_on != today
    ):
        raise Invalid(
            _l(
                "Barang ribawi satu golongan: selisih dicatat pada hari penyerahan kedua barang "
                "(%(day)s), bersama berita acaranya.",
                day=short_date(a.current_terms.handover_date),
            )
        )
    plan = settlement(bundle)
    if plan.net and plan.debtor_id != actor.pesantren_id:
        raise Invalid(_l("Selisih dicatat oleh pihak yang membayarnya."))
    now = utcnow()
    claimed = db.session.execute(
        update(Bundle)
        .where(Bundle.id == bundle.id, Bundle.settled_at.is_(None))
        .values(settled_at=now, untie_requested_by=None)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise Conflict(_l("Selisih paket ini sudah dicatat."))
    note = (note or "").strip()[:300]
    for leg, other in ((a, b), (b, a)):
        total = _leg(leg).total
        cash = plan.net if plan.net and leg.buyer_pesantren_id == plan.debtor_id else 0
        rows = [("offset", total - cash)] + ([("cash", cash)] if cash else [])
        for method, amount in rows:
            if amount <= 0:
                continue
            text = (
                f"Diperhitungkan dengan kontrak {_number(other)} (paket timbal balik)"
                if method == "offset"
                else f"Selisih bersih paket timbal balik dengan kontrak {_number(other)}"
            )
            db.session.add(
                Payment(
                    deal_id=leg.id,
                    amount=amount,
                    method=method,
                    paid_on=paid_on,
                    note=f"{text}. {note}".strip()[:500],
                    recorded_by_id=actor.id,
                    created_at=now,
                )
            )
        apply_move(leg, Action.PAY, Side.BUYER, actor, f"paket: {rupiah(total)}", now=now)
        notify(leg, _other_pesantren_of(leg, actor), "bundle_settled")
    record(
        "deal.bundle_settled",
        bundle,
        actor=actor,
        pesantren_id=actor.pesantren_id,
        net=plan.net,
        debtor=plan.debtor_id,
    )
    db.session.commit()
    return bundle


def untie_bundle(actor, deal_id: int) -> Bundle | None:
    """Untie a bundle by agreement, before it is settled: the first party asks, the other
    agrees (then the bundle is gone and None is returned). Raises NotFound, Invalid,
    Conflict."""
    bundle = _bundle_for(actor, deal_id)
    a, b = bundle.leg_a, bundle.leg_b
    if bundle.settled_at is not None or a.payments or b.payments or a.delivery or b.delivery:
        raise Invalid(_l("Paket yang sudah diselesaikan sebagian tidak dapat dilepas."))
    mine = actor.pesantren_id
    other = a.buyer_pesantren_id if a.seller_pesantren_id == mine else a.seller_pesantren_id
    if bundle.untie_requested_by is None:
        bundle.untie_requested_by = mine
        record("deal.untie_requested", bundle, actor=actor, pesantren_id=mine)
        notify(a, other, "untie_request")
        db.session.commit()
        return bundle
    if bundle.untie_requested_by == mine:
        raise Conflict(_l("Pelepasan paket sudah diminta; menunggu persetujuan pihak lain."))
    record("deal.untied", bundle, actor=actor, pesantren_id=mine, leg_a=a.id, leg_b=b.id)
    notify(a, other, "untied")
    db.session.delete(bundle)
    db.session.commit()
    return None


def _number(deal: Deal) -> str:
    return deal.contract.number if deal.contract else f"#{deal.id}"


def _other_pesantren_of(deal: Deal, actor) -> int:
    if deal.seller_pesantren_id == actor.pesantren_id:
        return deal.buyer_pesantren_id
    return deal.seller_pesantren_id


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
