"""What the buyer owes now, by akad: the one rule reminders, digests and "waiting for me" read.

Pure: no Flask, no database, no clock (today is passed in).

- salam: the whole price at signing (before the goods);
- istisna': every stage of the schedule whose date has come;
- tempo, murabahah: the price from its due date;
- tunai (and every akad): what was delivered, once the goods were handed over (the seller can
  complete only when it is paid, so after the handover the deal waits on the buyer to pay).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from exchange.akad import Akad
from exchange.deals.after_signing import buyer_pays_first
from exchange.deals.akad import Stage


@dataclass(frozen=True)
class Due:
    amount: int  # owed now (0: nothing is due yet)
    by: date | None = None  # since when it is due (the earliest unpaid date), when known


def due_now(
    akad: str,
    amount_due: int,
    paid: int,
    today: date,
    *,
    handed_over: bool,
    payment_due_date: date | None = None,
    schedule: Sequence[Stage] = (),
    signed_on: date | None = None,
    handover_date: date | None = None,
) -> Due:
    """What of ``amount_due`` (the price of what is, or will be, delivered) the buyer should
    have paid by ``today``, less what it ``paid``."""
    deferred = akad in (Akad.TEMPO, Akad.MURABAHAH) and payment_due_date is not None
    if handed_over and deferred and payment_due_date > today:
        return Due(0)  # tempo/murabahah: due from its due date, not from the handover
    if handed_over:
        owed = amount_due - paid
        by = payment_due_date if akad in (Akad.TEMPO, Akad.MURABAHAH) else handover_date
        return Due(max(owed, 0), by if owed > 0 else None)
    if buyer_pays_first(akad):
        owed = amount_due - paid
        return Due(max(owed, 0), signed_on if owed > 0 else None)
    if akad == Akad.ISTISNA:
        target, first = 0, None
        for stage in sorted(schedule, key=lambda s: s.due):
            if stage.due > today:
                break
            target += stage.amount
            if first is None and target > paid:
                first = stage.due
        owed = min(target, amount_due) - paid
        return Due(max(owed, 0), first if owed > 0 else None)
    if akad in (Akad.TEMPO, Akad.MURABAHAH) and payment_due_date and payment_due_date <= today:
        owed = amount_due - paid
        return Due(max(owed, 0), payment_due_date if owed > 0 else None)
    return Due(0)
