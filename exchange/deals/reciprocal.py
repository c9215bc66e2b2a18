"""Reciprocal bundles: two sales running both ways between the same two pesantren, tied into
one agreement, settled once by the net amount (both legs paid), untied by agreement. Within
the riba rules (``ribawi.py``). Each function commits once."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from exchange.audit.services import record
from exchange.clock import today_wib
from exchange.db import utcnow
from exchange.deals import akad as rules
from exchange.deals import bounds, checks, ribawi
from exchange.deals import bundle as bundles
from exchange.deals.checks import reason_text
from exchange.deals.facts import contract_date
from exchange.deals.models import Bundle, Deal, Payment, Refund
from exchange.deals.moves import apply_move, load_deal
from exchange.deals.notify import notify
from exchange.deals.queries import bundle_of
from exchange.deals.states import N_, TERMINAL, Action, Side, State
from exchange.deals.visibility import side_of
from exchange.errors import Conflict, Invalid
from exchange.extensions import db
from exchange.i18n import rupiah, short_date


def _refuse(reasons: list[rules.Reason]) -> None:
    if reasons:
        raise Invalid(reason_text(reasons[0]), field=reasons[0].field)


def tie_bundle(actor, deal_a_id: int, deal_b_id: int) -> Bundle:
    """Tie two sales running both ways between the same two pesantren into one agreement.

    Each leg stays its own sale with its own contract; the net amount is settled once
    (``settle_bundle``). Refused for ended or completed deals, a salam or istisna' leg (its
    price may not be paid by releasing a debt: ``akad.check_set_off``), a leg already paid, a
    seller re-selling undelivered salam goods, and ribawi legs that break DOMAIN.md 7.5
    (``ribawi.py``). Raises NotFound, Invalid, Conflict."""
    a, b = load_deal(deal_a_id), load_deal(deal_b_id)
    side_of(actor, a)
    side_of(actor, b)
    if not bundles.legs_are_reciprocal(_leg(a), _leg(b)):
        raise Invalid(_l("Kedua kesepakatan harus berlawanan arah antara dua pesantren yang sama."))
    for deal in (a, b):
        if State(deal.state) in TERMINAL or deal.state == State.COMPLETED:
            raise Invalid(_l("Kesepakatan yang sudah berakhir tidak dapat digabungkan."))
        _refuse(rules.check_set_off(deal.current_terms.akad))  # no salam/istisna' set-off
        if deal.payments:
            raise Invalid(_l("Kesepakatan yang sudah dibayar tidak dapat digabungkan."))
        _refuse(checks.salam_resale_reasons(deal.seller_pesantren_id, deal.commodity_id))
    _refuse(checks.ribawi_reasons(a, b))
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
        _refuse(rules.check_set_off(deal.current_terms.akad))
        if deal.state not in (State.SIGNED, State.SHIPPED):
            raise Invalid(
                _l("Selisih dicatat setelah kedua kontrak dibuat dan sebelum barang diterima.")
            )
        if deal.payments:
            raise Invalid(_l("Salah satu kesepakatan sudah dibayar; selisih tidak dapat dicatat."))
    today = today_wib()
    signed_on = max(contract_date(a), contract_date(b))
    _refuse(bounds.check_recorded_date(paid_on, signed_on, today, "paid_on", N_("Tanggal bayar")))
    if ribawi.same_class(checks.ribawi_leg(a), checks.ribawi_leg(b)) and (
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
    agrees (then the bundle is gone and None is returned). A ribawi bundle whose same-session
    rule was breached (``breach_at``: a handover recorded late) may be untied also after its
    settlement: the remedy undoes the exchange (the set-off is reversed, ``_unwind``) and each
    sale is then settled in cash. Raises NotFound, Invalid, Conflict."""
    bundle = _bundle_for(actor, deal_id)
    a, b = bundle.leg_a, bundle.leg_b
    started = bundle.settled_at is not None or a.payments or b.payments or a.delivery or b.delivery
    if started and bundle.breach_at is None:
        raise Invalid(_l("Paket yang sudah diselesaikan sebagian tidak dapat dilepas."))
    if bundle.breach_at is not None and State.COMPLETED in (a.state, b.state):
        raise Invalid(_l("Salah satu penjualan sudah selesai; ajukan sengketa agar staf membantu."))
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
    if bundle.breach_at is not None:
        _unwind(bundle, actor)
        for leg in (a, b):
            notify(leg, other, "unwound")
            notify(leg, mine, "unwound")
    else:
        notify(a, other, "untied")
    db.session.delete(bundle)
    db.session.commit()
    return None


def _unwind(bundle: Bundle, actor) -> None:
    """The remedy for a breached ribawi bundle: the exchange is cancelled. What each leg had
    "paid" by set-off against the other is reversed (a refund row of that amount, so that the
    price is owed again), so each sale is settled in cash on its own; cash already paid stays
    (flush only)."""
    today = today_wib()
    for leg in (bundle.leg_a, bundle.leg_b):
        offset = sum(p.amount for p in leg.payments if p.method == "offset")
        if offset:
            db.session.add(
                Refund(
                    deal_id=leg.id,
                    amount=offset,
                    refunded_on=today,
                    note=(
                        "Perhitungan dengan paket timbal balik dibatalkan (barang ribawi tidak "
                        "diserahkan dalam satu majelis); harga dilunasi secara tunai."
                    ),
                    recorded_by_id=actor.id,
                )
            )
        record("deal.unwound", leg, actor=actor, pesantren_id=actor.pesantren_id, reversed=offset)


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
