"""The akad rules for the steps after signing (DOMAIN.md section 7): who pays when, what a payment,
a shipment, a handover record, completion, a refund or the salam shortfall choice may be. Pure
checks that return reasons; today is passed in."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from exchange.akad import Akad
from exchange.deals import bounds
from exchange.deals.reasons import Reason
from exchange.deals.states import N_


def buyer_pays_first(akad: str) -> bool:
    """Salam: the price is paid in full at signing, before the goods are delivered."""
    return akad == Akad.SALAM


def check_payment(
    akad: str,
    amount: int,
    paid: int,
    due: int,
    paid_on: date | None = None,
    contract_date: date | None = None,
    today: date | None = None,
) -> list[Reason]:
    """May the buyer record a payment of ``amount`` on ``paid_on`` when ``paid`` of ``due`` is
    recorded? Salam: never after signing (the acceptance records the full price)."""
    if akad == Akad.SALAM:
        return [
            Reason(
                "salam_no_later_payment",
                N_(
                    "Pada akad salam, harga dibayar lunas saat akad dan sudah tercatat; tidak ada "
                    "pembayaran kemudian atau cicilan."
                ),
                "amount",
            )
        ]
    if amount is None or amount <= 0:
        return [Reason("pay_positive", N_("Jumlah pembayaran harus lebih dari nol."), "amount")]
    if today is not None:
        found = bounds.check_recorded_date(
            paid_on, contract_date, today, "paid_on", N_("Tanggal bayar")
        )
        if found:
            return found
    if paid + amount > due:
        return [
            Reason(
                "pay_over",
                N_("Pembayaran melebihi sisa tagihan (%(left)s)."),
                "amount",
                {"left": max(due - paid, 0)},
            )
        ]
    if akad == Akad.TUNAI and paid + amount != due:
        return [
            Reason(
                "pay_in_full",
                N_("Akad ini dibayar lunas sekaligus (%(left)s), tanpa cicilan."),
                "amount",
                {"left": due - paid},
            )
        ]
    return []


def check_ship(akad: str, paid: int, total: int) -> list[Reason]:
    if buyer_pays_first(akad) and paid < total:
        return [
            Reason(
                "salam_unpaid",
                N_("Pada akad salam, harga harus lunas sebelum barang dikirim."),
            )
        ]
    return []


def check_receive(
    akad: str,
    value_received: int,
    paid: int,
    paying_now: int,
    received_on: date | None,
    contract_date: date | None,
    today: date,
) -> list[Reason]:
    """The handover record (BAST). Tunai: the price of what is received is paid at the handover
    at the latest, so the BAST is refused unless it is paid before or recorded with it."""
    r = bounds.check_recorded_date(
        received_on, contract_date, today, "received_on", N_("Tanggal diterima")
    )
    if paying_now and akad == Akad.SALAM:
        r += check_payment(akad, paying_now, paid, value_received)
    elif paying_now:
        r += [
            replace(x, field="paid_now")
            for x in check_payment(Akad.TEMPO, paying_now, paid, value_received)
        ]
    if akad == Akad.TUNAI and paid + paying_now < value_received:
        r.append(
            Reason(
                "tunai_unpaid_handover",
                N_(
                    "Jual beli tunai dibayar paling lambat saat penyerahan: catat pembayaran "
                    "%(left)s bersama berita acara ini."
                ),
                "paid_now",
                {"left": value_received - paid},
            )
        )
    return r


def check_complete(paid: int, due: int, refunded: int = 0) -> list[Reason]:
    """Paid (net of refunds) must equal the value of what was received: no debt left, and no
    overpayment kept without a refund record."""
    net = paid - refunded
    if net < due:
        return [
            Reason(
                "unpaid",
                N_("Kesepakatan baru dapat diselesaikan setelah pembayaran lunas."),
            )
        ]
    if net > due:
        return [
            Reason(
                "refund_owed",
                N_(
                    "Pembayaran melebihi nilai barang yang diterima sebesar %(over)s; catat "
                    "pengembalian uang lebih dulu."
                ),
                None,
                {"over": net - due},
            )
        ]
    return []


def check_refund(
    amount: int,
    paid: int,
    refunded: int,
    due: int,
    refunded_on: date | None,
    contract_date: date | None,
    today: date,
) -> list[Reason]:
    """The seller returns money the buyer paid beyond the value of what it received."""
    over = paid - refunded - due
    if over <= 0:
        return [
            Reason(
                "no_refund_owed",
                N_("Tidak ada kelebihan bayar yang perlu dikembalikan."),
                "amount",
            )
        ]
    r = bounds.check_amount(amount)
    r += bounds.check_recorded_date(
        refunded_on, contract_date, today, "refunded_on", N_("Tanggal pengembalian")
    )
    if not r and amount > over:
        r.append(
            Reason(
                "refund_over",
                N_("Pengembalian melebihi kelebihan bayar (%(over)s)."),
                "amount",
                {"over": over},
            )
        )
    return r


def shortfall_choice_open(akad: str, due_date: date, today: date) -> bool:
    """Salam: when the goods are not (all) there on the due date, the buyer chooses to cancel
    with a refund or to wait (DOMAIN.md 7.1). The choice opens on the due date."""
    return akad == Akad.SALAM and today >= due_date


def check_wait(new_due: date | None, today: date) -> list[Reason]:
    """The buyer waits: the new due date lies after today, within the bounds."""
    if new_due is None:
        return [Reason("wait_date", N_("Isi tanggal penyerahan yang baru."), "new_due")]
    if new_due <= today:
        return [
            Reason(
                "wait_future",
                N_("Tanggal penyerahan yang baru harus sesudah hari ini."),
                "new_due",
            )
        ]
    return bounds.check_agreed_date(
        new_due, today, today, "new_due", N_("Tanggal penyerahan yang baru")
    )
