"""Reading netting runs: the staff figures and one pesantren's proposed set-off."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from exchange.digests.rows import NettingRow
from exchange.extensions import db
from exchange.netting.models import Answer, NettingItem, NettingParty, NettingRun, RunStatus


def runs_query():
    return select(NettingRun).order_by(NettingRun.id.desc())


def pending_confirmations(pesantren_ids: list[int], link) -> dict[int, list]:
    """Per pesantren: the proposed runs it has not answered yet (a digest section)."""
    rows = db.session.execute(
        select(NettingParty.pesantren_id, NettingRun.id, func.sum(NettingItem.set_off))
        .join(NettingRun, NettingRun.id == NettingParty.run_id)
        .join(
            NettingItem,
            (NettingItem.run_id == NettingRun.id)
            & (NettingItem.debtor_id == NettingParty.pesantren_id),
        )
        .where(
            NettingParty.pesantren_id.in_(pesantren_ids),
            NettingParty.answer == Answer.PENDING.value,
            NettingRun.status == RunStatus.PROPOSED.value,
        )
        .group_by(NettingParty.pesantren_id, NettingRun.id)
        .order_by(NettingRun.id)
    )
    out: dict[int, list] = {}
    for pid, run_id, set_off in rows:
        url = link("netting.show", run_id=run_id)
        out.setdefault(pid, []).append(NettingRow(run_id, int(set_off or 0), url))
    return out


def runs_of(pesantren_id: int) -> list[NettingRun]:
    return list(
        db.session.scalars(
            select(NettingRun)
            .join(NettingParty, NettingParty.run_id == NettingRun.id)
            .where(NettingParty.pesantren_id == pesantren_id)
            .order_by(NettingRun.id.desc())
        )
    )


@dataclass(frozen=True)
class Position:
    debts: list[NettingItem]  # what it owes, with the set-off on each
    claims: list[NettingItem]  # what it is owed
    owed_before: int
    claimed_before: int
    cleared: int  # its debts cleared (= its claims cleared: the set-off is balanced)
    party: NettingParty | None

    @property
    def net(self) -> int:
        """> 0: still to receive after the set-off; < 0: still to pay (unchanged by it)."""
        return self.claimed_before - self.owed_before


def position(run: NettingRun, pesantren_id: int) -> Position:
    mine = [i for i in run.items if pesantren_id in (i.debtor_id, i.creditor_id)]
    debts = [i for i in mine if i.debtor_id == pesantren_id]
    claims = [i for i in mine if i.creditor_id == pesantren_id]
    party = next((p for p in run.parties if p.pesantren_id == pesantren_id), None)
    return Position(
        debts=[i for i in debts if i.set_off],
        claims=[i for i in claims if i.set_off],
        owed_before=sum(i.amount for i in debts),
        claimed_before=sum(i.amount for i in claims),
        cleared=sum(i.set_off for i in debts),
        party=party,
    )


def picture_edges(run: NettingRun) -> list[tuple[str, str, int]]:
    return [(i.debtor.name, i.creditor.name, i.set_off) for i in run.items if i.set_off]
