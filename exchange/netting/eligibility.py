"""Which obligations may enter a netting run, with the reasons one may not. Pure.

Only money debts: tempo, murabahah (never a leg of a reciprocal bundle: the bundle settles both
legs at once by its net amount, and a leg partly set off could never settle). Never
a salam or istisna' prepayment: its price may not take the form of releasing a debt (DOMAIN.md
7.1, 7.2). Never a leg of a bundle in ribawi goods (7.5: the bundle is in substance goods for
goods, settled in one session). Due within the run's horizon, not disputed, not settled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from exchange.akad import Akad
from exchange.deals.policy import check_set_off
from exchange.deals.states import N_, State

MONEY_DEBT_AKAD = frozenset({Akad.TEMPO, Akad.MURABAHAH})
OPEN_STATES = frozenset({State.SIGNED, State.SHIPPED, State.RECEIVED})


@dataclass(frozen=True)
class Candidate:
    akad: str
    state: str
    outstanding: int  # what the buyer still owes on the deal (rupiah)
    payment_due_date: date | None
    disputed: bool = False
    bundle_leg: bool = False
    bundle_settled: bool = False
    ribawi: bool = False  # the deal's goods are ribawi
    cancel_requested: bool = False  # one side asked to cancel and the other has not answered


def reasons(c: Candidate, horizon: date) -> list[str]:
    """Every reason (a msgid) the debt may not be netted; empty: it may."""
    out: list[str] = []
    refused = [r.message for r in check_set_off(c.akad)]  # the one set-off rule (deals/akad)
    out += refused
    if not refused and c.akad not in MONEY_DEBT_AKAD:
        out.append(N_("Hanya utang uang (tempo, murabahah) yang dapat dikliringkan."))
    if c.disputed or c.state == State.DISPUTED:
        out.append(N_("Kesepakatan sedang dalam sengketa."))
    elif c.state not in OPEN_STATES:
        out.append(N_("Kesepakatan tidak sedang berjalan."))
    if c.cancel_requested:
        out.append(N_("Pembatalan kesepakatan ini sedang diminta."))
    if c.outstanding <= 0:
        out.append(N_("Utang ini sudah lunas."))
    if c.payment_due_date is None or c.payment_due_date > horizon:
        out.append(N_("Jatuh tempo di luar cakupan putaran kliring."))
    if c.bundle_leg and c.ribawi:
        out.append(N_("Kaki paket timbal balik barang ribawi tidak boleh dikliringkan."))
    elif c.bundle_leg and c.bundle_settled:
        out.append(N_("Paket timbal balik ini sudah diselesaikan."))
    elif c.bundle_leg:
        # A bundle settles both legs at once by its net amount: a leg partly set off by a
        # kliring could never settle (issue 25).
        out.append(N_("Kaki paket timbal balik diselesaikan dengan selisih paketnya."))
    return out


def eligible(c: Candidate, horizon: date) -> bool:
    return not reasons(c, horizon)
