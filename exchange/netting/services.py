"""Netting runs: compute, propose, confirm or decline, apply. Each public function commits once.

The deals domain owns what a buyer owes (``deals.facts.amount_due``) and how a payment moves
a deal (``apply_move`` with Action.PAY: the optimistic lock on the deal row). A run takes effect
per cleared group (``core.cycles``: the pesantren joined by a set-off), as soon as every member
of that group confirmed; each group's set-off keeps every member's net position, so one silent
pesantren holds up only its own group. A decline recomputes the rest of the run over the debts
of the others (it shrinks); parties that have not answered by the run's ``answer_by`` count as
declining (``expire_answers``, hourly from the scheduler). Applying rechecks every debt inside
the transaction: a deal paid in the meantime is never over-settled (the run is recomputed).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from exchange.audit.services import record
from exchange.auth.permissions import require_staff
from exchange.clock import today_wib
from exchange.db import utcnow
from exchange.deals.models import Bundle, Deal
from exchange.errors import Invalid, NotFound
from exchange.extensions import db
from exchange.netting import core
from exchange.netting.applying import (
    Recomputed,
    _apply_ready_groups,
    _notify,
    _outstanding,
)
from exchange.netting.eligibility import OPEN_STATES, Candidate, eligible
from exchange.netting.models import Answer, NettingItem, NettingParty, NettingRun, RunStatus

DEFAULT_HORIZON_DAYS = 30  # debts due within the next 30 days (and overdue ones) may enter
DEFAULT_ANSWER_HOURS = 72  # NETTING_ANSWER_HOURS: the parties answer within this many hours
# Reading the debts -------------------------------------------------------------------------------


def _candidate(deal: Deal, bundles: dict[int, Bundle]) -> Candidate:
    terms = deal.current_terms
    bundle = bundles.get(deal.id)
    return Candidate(
        akad=terms.akad,
        state=deal.state,
        outstanding=_outstanding(deal),
        payment_due_date=terms.payment_due_date,
        disputed=deal.disputed_by is not None,
        bundle_leg=bundle is not None,
        bundle_settled=bool(bundle and bundle.settled_at),
        ribawi=deal.commodity.ribawi_group is not None,
        cancel_requested=deal.cancel_requested_by is not None,
    )


def eligible_deals(horizon: date) -> list[Deal]:
    """The signed deals whose unpaid price may be netted in a run with this horizon."""
    found = list(
        db.session.scalars(
            select(Deal).where(Deal.state.in_([s.value for s in OPEN_STATES])).order_by(Deal.id)
        ).unique()
    )
    ids = [d.id for d in found]
    bundles: dict[int, Bundle] = {}
    for b in db.session.scalars(
        select(Bundle).where(Bundle.leg_a_id.in_(ids) | Bundle.leg_b_id.in_(ids))
    ).unique():
        bundles[b.leg_a_id] = bundles[b.leg_b_id] = b
    return [d for d in found if eligible(_candidate(d, bundles), horizon)]


def _obligations(horizon: date, excluded: set[int]) -> tuple[list[core.Obligation], dict]:
    by_id = {}
    for d in eligible_deals(horizon):
        if d.buyer_pesantren_id in excluded or d.seller_pesantren_id in excluded:
            continue
        by_id[d.id] = d
    obs = [
        core.Obligation(
            d.id,
            d.buyer_pesantren_id,
            d.seller_pesantren_id,
            _outstanding(d),
            d.current_terms.payment_due_date,
            ribawi_class=d.commodity.ribawi_group,
            delivered=d.delivery is not None,
        )
        for d in by_id.values()
    ]
    return obs, by_id


# Computing a run ---------------------------------------------------------------------------------


def _lines(run: NettingRun) -> dict[int, tuple]:
    """Per pesantren: its (deal, set-off) lines; what it confirmed."""
    out: dict[int, list] = {}
    for item in db.session.scalars(select(NettingItem).where(NettingItem.run_id == run.id)):
        if item.set_off:
            for p in (item.debtor_id, item.creditor_id):
                out.setdefault(p, []).append((item.deal_id, item.set_off))
    return {p: tuple(sorted(v)) for p, v in out.items()}


def _compute(run: NettingRun, now: datetime) -> None:
    """(Re)compute the run over the debts whose parties did not decline (flush only)."""
    parties = {
        p.pesantren_id: p
        for p in db.session.scalars(select(NettingParty).where(NettingParty.run_id == run.id))
    }
    declined = {p for p, row in parties.items() if row.answer == Answer.DECLINED}
    before = _lines(run)
    applied = list(
        db.session.scalars(
            select(NettingItem).where(
                NettingItem.run_id == run.id, NettingItem.payment_id.is_not(None)
            )
        )
    )
    db.session.execute(
        delete(NettingItem).where(NettingItem.run_id == run.id, NettingItem.payment_id.is_(None))
    )
    obs, _ = _obligations(run.horizon, declined)
    done = {i.deal_id for i in applied}  # a group already applied keeps its set-off
    obs = [o for o in obs if o.id not in done]
    result = core.optimise_within_riba(obs)  # undelivered ribawi legs of one class: left out
    for o in obs:
        db.session.add(
            NettingItem(
                run_id=run.id,
                deal_id=o.id,
                debtor_id=o.debtor,
                creditor_id=o.creditor,
                amount=o.amount,
                set_off=result.set_off[o.id],
            )
        )
    db.session.flush()
    after = _lines(run)
    for p, row in parties.items():
        if p in declined:
            continue
        if p not in after:
            db.session.delete(row)
        elif after[p] != before.get(p):
            row.answer, row.answered_by_id, row.answered_at = Answer.PENDING.value, None, None
    for p in sorted(set(after) - set(parties)):
        db.session.add(NettingParty(run_id=run.id, pesantren_id=p))
    run.total = result.total + sum(i.amount for i in applied)
    run.cleared = result.cleared + sum(i.set_off for i in applied)
    if result.cleared:
        run.status = RunStatus.PROPOSED.value
    else:
        run.status = (RunStatus.APPLIED if applied else RunStatus.EMPTY).value
        run.applied_at = run.applied_at or (now if applied else None)
    if after != before:
        run.answer_by = now + timedelta(hours=_answer_hours())
    db.session.flush()
    action = "proposed" if not before else "recomputed"
    for p in sorted(after):
        if after[p] != before.get(p):
            _notify(p, run, action)


def _answer_hours() -> int:
    return int(current_app.config.get("NETTING_ANSWER_HOURS", DEFAULT_ANSWER_HOURS))


def start_run(actor=None, horizon: date | None = None, now: datetime | None = None):
    """Staff (or the scheduler, ``actor`` None) start a run over the debts due by ``horizon``
    (default: 30 days from today in WIB). An earlier run still waiting is superseded.
    Raises NotFound for anyone but staff."""
    if actor is not None:
        require_staff(actor)
    run = compute_run(actor, horizon, now)
    db.session.commit()
    return run


def compute_run(actor=None, horizon: date | None = None, now: datetime | None = None):
    """``start_run`` in the current transaction (flush, no commit; the kliring job's store step
    commits it with the job). The caller has checked permission."""
    now = now or utcnow()
    horizon = horizon or today_wib() + timedelta(days=DEFAULT_HORIZON_DAYS)
    for old in db.session.scalars(
        select(NettingRun).where(NettingRun.status == RunStatus.PROPOSED.value)
    ):
        old.status = RunStatus.SUPERSEDED.value
    run = NettingRun(horizon=horizon, started_by_id=getattr(actor, "id", None), created_at=now)
    db.session.add(run)
    db.session.flush()
    _compute(run, now)
    record("netting.started", run, actor=actor, total=run.total, cleared=run.cleared)
    return run


# Answering ---------------------------------------------------------------------------------------


def load_run(user, run_id: int) -> NettingRun:
    """The run, for staff or for a manager of a pesantren in it; anyone else gets 404."""
    run = db.session.get(NettingRun, run_id)
    if run is None:
        raise NotFound()
    if getattr(user, "is_staff", False):
        return run
    if not getattr(user, "is_authenticated", False) or not user.is_manager:
        raise NotFound()
    member = db.session.scalar(
        select(NettingParty.id).where(
            NettingParty.run_id == run.id, NettingParty.pesantren_id == user.pesantren_id
        )
    )
    if member is None:
        raise NotFound()
    return run


def _party(run: NettingRun, user) -> NettingParty:
    party = db.session.scalar(
        select(NettingParty).where(
            NettingParty.run_id == run.id, NettingParty.pesantren_id == user.pesantren_id
        )
    )
    if party is None:
        raise NotFound()
    return party


def _answer(user, run_id: int, answer: Answer) -> NettingRun:
    run = load_run(user, run_id)
    if getattr(user, "is_staff", False) and not user.pesantren_id:
        raise NotFound()
    party = _party(run, user)
    if run.status != RunStatus.PROPOSED:
        raise Invalid(_l("Putaran kliring ini sudah ditutup."))
    now = utcnow()
    party.answer, party.answered_by_id, party.answered_at = answer.value, user.id, now
    record(f"netting.{answer.value}", run, actor=user, pesantren_id=user.pesantren_id)
    db.session.flush()
    if answer is Answer.DECLINED:
        run.rounds += 1
        _compute(run, now)
    _apply_ready_groups(run, user, now)
    db.session.commit()
    return run


def confirm(user, run_id: int) -> NettingRun:
    """A manager confirms its pesantren's proposed set-off; the last confirmation of a cleared
    group applies that group's set-off. Raises NotFound, Invalid (closed), Recomputed (a debt
    changed meanwhile)."""
    try:
        return _answer(user, run_id, Answer.CONFIRMED)
    except Recomputed:
        db.session.rollback()
        run = db.session.get(NettingRun, run_id)
        run.rounds += 1
        _compute(run, utcnow())
        record("netting.recomputed", run, actor=user, pesantren_id=user.pesantren_id)
        db.session.commit()
        raise


def decline(user, run_id: int) -> NettingRun:
    """A manager declines: the run is recomputed without its pesantren's debts and claims.
    Raises NotFound, Invalid (closed)."""
    return _answer(user, run_id, Answer.DECLINED)


def expire_answers(now: datetime | None = None) -> int:
    """Parties of a proposed run that have not answered by its ``answer_by`` count as
    declining: the run is recomputed without them (it shrinks) and the groups whose members
    all confirmed are applied. Returns how many parties lapsed. Commits once (the scheduler's
    hourly expiry job calls it)."""
    now = now or utcnow()
    lapsed = 0
    runs = db.session.scalars(
        select(NettingRun)
        .where(
            NettingRun.status == RunStatus.PROPOSED.value,
            NettingRun.answer_by.is_not(None),
            NettingRun.answer_by <= now,
        )
        .order_by(NettingRun.id)
    ).all()
    for run in runs:
        silent = db.session.scalars(
            select(NettingParty).where(
                NettingParty.run_id == run.id, NettingParty.answer == Answer.PENDING.value
            )
        ).all()
        for party in silent:
            party.answer, party.answered_at = Answer.DECLINED.value, now
            _notify(party.pesantren_id, run, "lapsed")
            record("netting.lapsed", run, actor=None, pesantren_id=party.pesantren_id)
            lapsed += 1
        db.session.flush()
        if silent:
            run.rounds += 1
            _compute(run, now)
        try:
            with db.session.begin_nested():
                _apply_ready_groups(run, None, now)
        except Recomputed:
            run.rounds += 1
            _compute(run, now)
    db.session.commit()
    return lapsed
