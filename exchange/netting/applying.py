"""Applying a kliring run: each cleared group whose members all confirmed becomes set-off
payments on its deals (method ``setoff``), and the parties are told. Flush only; the services
in ``services.py`` commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from exchange.audit.services import record
from exchange.clock import today_wib
from exchange.deals import facts, moves
from exchange.deals.models import Deal, Payment
from exchange.deals.notify import notify_managers
from exchange.deals.states import N_, Action, Side
from exchange.errors import Conflict
from exchange.extensions import db
from exchange.netting import core
from exchange.netting.eligibility import OPEN_STATES
from exchange.netting.models import Answer, NettingItem, NettingParty, NettingRun, RunStatus

METHOD = "setoff"

MESSAGES = {
    "proposed": N_("Usulan kliring #%(run)s menunggu konfirmasi Anda."),
    "recomputed": N_("Usulan kliring #%(run)s dihitung ulang; periksa dan konfirmasi lagi."),
    "applied": N_("Kliring #%(run)s diterapkan; utang yang diperhitungkan tercatat lunas."),
    "lapsed": N_(
        "Anda tidak menjawab usulan kliring #%(run)s sebelum batas waktunya; dianggap menolak."
    ),
}


class Recomputed(Conflict):
    """A debt changed before the run could be applied; the run was recomputed (committed)."""


def _outstanding(deal: Deal) -> int:
    return facts.amount_due(deal) - (deal.paid - deal.refunded)


def _notify(pesantren_id: int, run: NettingRun, action: str) -> None:
    notify_managers(
        pesantren_id,
        f"netting.{action}",
        MESSAGES[action],
        url=f"/kliring/{run.id}",
        params={"run": run.id},
    )


def _groups(items: list[NettingItem]) -> list[tuple[set[int], list[NettingItem]]]:
    """The cleared groups of the items not yet applied: (members, their items)."""
    obs = [core.Obligation(i.deal_id, i.debtor_id, i.creditor_id, i.amount) for i in items]
    members = core.cycles(obs, {i.deal_id: i.set_off for i in items})
    return [(g, [i for i in items if i.debtor_id in g]) for g in members]


def _apply_ready_groups(run: NettingRun, actor, now: datetime) -> None:
    """Apply every cleared group whose members all confirmed (flush only); the run is applied
    when no group is left waiting. Raises Recomputed (see ``_apply``)."""
    if run.status != RunStatus.PROPOSED:
        return
    answers = {
        p.pesantren_id: p.answer
        for p in db.session.scalars(select(NettingParty).where(NettingParty.run_id == run.id))
    }
    waiting = list(
        db.session.scalars(
            select(NettingItem).where(
                NettingItem.run_id == run.id,
                NettingItem.set_off > 0,
                NettingItem.payment_id.is_(None),
            )
        )
    )
    left = 0
    for members, items in _groups(waiting):
        if all(answers.get(p) == Answer.CONFIRMED for p in members):
            _apply(run, actor, now, items)
        else:
            left += 1
    if not left:
        run.status, run.applied_at = RunStatus.APPLIED.value, now
        record("netting.applied", run, actor=actor, cleared=run.cleared)
    db.session.flush()


def _apply(run: NettingRun, actor, now: datetime, items: list[NettingItem]) -> None:
    """Every set-off of one cleared group becomes a payment (method setoff) on its deal, with
    its receipt; flush only. Raises Recomputed when a debt is smaller than its set-off now (paid
    in the meantime)."""
    items = sorted(items, key=lambda i: i.deal_id)
    locked = {
        d.id: d
        for d in db.session.scalars(
            select(Deal)
            .where(Deal.id.in_([i.deal_id for i in items]))
            .order_by(Deal.id)
            .with_for_update(of=Deal)
        ).unique()
    }
    today = today_wib()
    for item in items:
        deal = locked[item.deal_id]
        db.session.refresh(deal)
        if deal.state not in {s.value for s in OPEN_STATES} or _outstanding(deal) < item.set_off:
            raise Recomputed()
        payment = Payment(
            deal_id=deal.id,
            amount=item.set_off,
            method=METHOD,
            paid_on=today,
            note=f"Kliring #{run.id} (muqassah)",
            recorded_by_id=None,
            created_at=now,
        )
        db.session.add(payment)
        db.session.flush()
        item.payment_id = payment.id
        db.session.expire(deal, ["payments"])
        moves.apply_move(deal, Action.PAY, Side.BUYER, None, f"kliring #{run.id}", now=now)
        record("netting.payment", deal, actor=actor, run=run.id, amount=item.set_off)
    for p in sorted({i.debtor_id for i in items} | {i.creditor_id for i in items}):
        _notify(p, run, "applied")
    db.session.flush()
