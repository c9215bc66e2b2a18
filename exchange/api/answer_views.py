"""Answers to what the exchange proposes: decline a clearing proposal (the matching engine's),
read, confirm or decline a clearing (kliring) run; and the staff's answers to a dispute. The
pages' own services."""

from __future__ import annotations

from exchange.api import schemas
from exchange.api import write_schemas as w
from exchange.api.clearing_schemas import ClearingDebt, ClearingRun, ClearingRunList
from exchange.api.guard import acting_user, needs
from exchange.api.read_views import deal_body
from exchange.api.scopes import Scope
from exchange.api.spec import responses, spec
from exchange.api.views import bp
from exchange.api.write_views import endpoint
from exchange.deals import disputes
from exchange.deals.moves import load_deal
from exchange.errors import NotFound
from exchange.matching import services as matching
from exchange.netting import queries as netting_queries
from exchange.netting import services as netting


@endpoint("/proposals/<int:proposal_id>/decline", Scope.DEALS, result=schemas.Proposal)
def decline_proposal(proposal_id: int, headers: w.WriteHeaders):
    """Decline a clearing proposal: the pair is not proposed again (cannot be undone)."""
    return schemas.Proposal.model_validate(matching.decline_proposal(acting_user(), proposal_id))


def _debt(item) -> ClearingDebt:
    return ClearingDebt(
        deal_id=item.deal_id,
        debtor_id=item.debtor_id,
        creditor_id=item.creditor_id,
        amount=item.amount,
        set_off=item.set_off,
    )


def _run(run) -> ClearingRun:
    pesantren_id = acting_user().pesantren_id
    if pesantren_id is None:
        raise NotFound()
    mine = netting_queries.position(run, pesantren_id)
    return ClearingRun(
        id=run.id,
        status=run.status,
        horizon=run.horizon,
        answer_by=run.answer_by,
        my_answer=mine.party.answer if mine.party else None,
        cleared=mine.cleared,
        debts=[_debt(i) for i in mine.debts],
        claims=[_debt(i) for i in mine.claims],
        created_at=run.created_at,
    )


@bp.get("/clearing")
@spec.validate(resp=responses(200, ClearingRunList), tags=("read",))
@needs(Scope.READ)
def clearing_runs():
    """The clearing runs the token's pesantren is a party to, newest first."""
    pesantren_id = acting_user().pesantren_id
    found = netting_queries.runs_of(pesantren_id) if pesantren_id else []
    return ClearingRunList(items=[_run(r) for r in found[:50]])


@bp.get("/clearing/<int:run_id>")
@spec.validate(resp=responses(200, ClearingRun), tags=("read",))
@needs(Scope.READ)
def clearing_run(run_id: int):
    """One clearing run, as the token's pesantren's part of it (not a party: 404)."""
    return _run(netting.load_run(acting_user(), run_id))


@endpoint("/clearing/<int:run_id>/confirm", Scope.DEALS, result=ClearingRun)
def confirm_clearing(run_id: int, headers: w.WriteHeaders):
    """Confirm the pesantren's proposed set-off; the last confirmation applies it."""
    return _run(netting.confirm(acting_user(), run_id))


@endpoint("/clearing/<int:run_id>/decline", Scope.DEALS, result=ClearingRun)
def decline_clearing(run_id: int, headers: w.WriteHeaders):
    """Decline: the run is recomputed without the pesantren's debts and claims."""
    return _run(netting.decline(acting_user(), run_id))


@endpoint("/staff/disputes/<int:deal_id>/settle", Scope.STAFF, json=w.StaffNoteIn)
def settle_dispute(deal_id: int, json: w.StaffNoteIn, headers: w.WriteHeaders):
    """Staff record an agreed settlement (islah): the deal goes on where it was disputed."""
    return _resolved(deal_id, disputes.settle(acting_user(), deal_id, json.note))


@endpoint("/staff/disputes/<int:deal_id>/cancel", Scope.STAFF, json=w.StaffNoteIn)
def cancel_disputed(deal_id: int, json: w.StaffNoteIn, headers: w.WriteHeaders):
    """Staff cancel the disputed deal; the seller owes back what the buyer paid."""
    return _resolved(deal_id, disputes.cancel_with_refund(acting_user(), deal_id, json.note))


@endpoint("/staff/disputes/<int:deal_id>/refer", Scope.STAFF, json=w.StaffNoteIn)
def refer_dispute(deal_id: int, json: w.StaffNoteIn, headers: w.WriteHeaders):
    """Staff refer the dispute to Basyarnas; it stays open until the award."""
    return _resolved(deal_id, disputes.refer_to_basyarnas(acting_user(), deal_id, json.note))


def _resolved(deal_id: int, _deal) -> schemas.Deal:
    return deal_body(load_deal(deal_id), acting_user())
