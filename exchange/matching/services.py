"""Matching use cases: the clearing run, declining a proposal, marking one acted on."""

from __future__ import annotations

from datetime import timedelta
from time import perf_counter

from flask_babel import gettext as _
from sqlalchemy import insert, text, update

from exchange.audit.services import record
from exchange.auth.permissions import is_manager_of, require_staff
from exchange.clock import today_wib
from exchange.db import utcnow
from exchange.errors import IllegalTransition, NotFound
from exchange.extensions import db
from exchange.matching import adapter, queries
from exchange.matching import instance as engine_view
from exchange.matching.candidates import compatible_pairs
from exchange.matching.models import MatchRun, Proposal, ProposalStatus, RunStatus

PROPOSAL_COLUMNS = (
    "run_id",
    "offer_id",
    "request_id",
    "seller_pesantren_id",
    "buyer_pesantren_id",
    "commodity_id",
    "quantity",
    "price",
    "akad",
    "surplus_per_unit",
    "distance_km",
    "transport_cost_per_unit",
    "status",
    "created_at",
)


def run_clearing(actor=None, now=None) -> MatchRun:
    """Run the engine over every active listing's remaining quantity and store the run and its
    proposals in one transaction. Earlier proposals nobody acted on become superseded; pairs a
    party declined are not proposed again. `actor` None means the command line or the scheduler.

    The returned run carries `timings` (load, solve, store in ms; not stored).
    Raises NotFound when `actor` is given and is not staff.
    """
    if actor is not None:
        require_staff(actor)
    now = now or utcnow()
    t0 = perf_counter()
    _one_run_at_a_time()
    instance = engine_view.load_instance(today_wib(now))
    excluded = queries.declined_pairs()
    t1 = perf_counter()
    cand = adapter.without_pairs(compatible_pairs(instance), excluded)
    rows, welfare = adapter.proposals(cand)
    t2 = perf_counter()
    run = MatchRun(
        started_at=now,
        started_by_id=getattr(actor, "id", None),
        status=RunStatus.COMPLETED.value,
        listings_count=len(instance.listings),
        candidate_pairs=len(cand),
        proposals_count=len(rows),
        welfare=round(welfare),
    )
    db.session.add(run)
    db.session.flush()
    db.session.execute(
        update(Proposal)
        .where(Proposal.status == ProposalStatus.PROPOSED.value, Proposal.run_id != run.id)
        .values(status=ProposalStatus.SUPERSEDED.value, updated_at=now)
    )
    if rows:
        _store_proposals(run.id, rows, now)
    duration = round((perf_counter() - t0) * 1000)
    run.duration_ms = duration
    run.finished_at = now + timedelta(milliseconds=duration)
    record(
        "matching.run",
        run,
        actor=actor,
        listings=run.listings_count,
        pairs=run.candidate_pairs,
        proposals=run.proposals_count,
        welfare=run.welfare,
        excluded_declined=len(excluded),
    )
    db.session.commit()
    t3 = perf_counter()
    run.timings = {
        "load_ms": (t1 - t0) * 1000,
        "solve_ms": (t2 - t1) * 1000,
        "store_ms": (t3 - t2) * 1000,
        "total_ms": (t3 - t0) * 1000,
    }
    return run


#: Key of the PostgreSQL advisory lock that serialises clearing runs (any constant bigint).
RUN_LOCK_KEY = 7_304_551


def _one_run_at_a_time() -> None:
    """On PostgreSQL, wait for any other clearing run to commit before loading: two runs at once
    would each leave their own proposals open. The lock ends with the transaction."""
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": RUN_LOCK_KEY})


def _store_proposals(run_id: int, rows: list, now) -> None:
    """Insert the run's proposals in the current transaction (flush-free). On PostgreSQL with
    COPY: a clearing run stores tens of thousands of rows, and an executemany sends them one by
    one (about 2 s for 15,000, against a tenth of that)."""
    com_ids = queries.commodity_ids()
    proposed = ProposalStatus.PROPOSED.value
    values = [
        (
            run_id,
            r.offer_id,
            r.request_id,
            r.seller_pesantren_id,
            r.buyer_pesantren_id,
            com_ids[r.commodity],
            r.quantity,
            r.price,
            r.akad,
            r.surplus_per_unit,
            r.distance_km,
            r.transport_cost_per_unit,
            proposed,
            now,
        )
        for r in rows
    ]
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        cols = ", ".join(PROPOSAL_COLUMNS)
        with raw.cursor() as cur, cur.copy(f"COPY proposals ({cols}) FROM STDIN") as copy:
            for v in values:
                copy.write_row(v)
    else:
        db.session.execute(
            insert(Proposal.__table__),
            [dict(zip(PROPOSAL_COLUMNS, v, strict=True)) for v in values],
        )


def decline_proposal(user, proposal_id: int) -> Proposal:
    """A party (seller's or buyer's manager) declines a proposal; later runs will not propose
    that pair again. Raises NotFound for anyone else, IllegalTransition when it is no longer
    open (superseded, declined or acted on)."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not (
        is_manager_of(user, proposal.seller_pesantren_id)
        or is_manager_of(user, proposal.buyer_pesantren_id)
    ):
        raise NotFound()
    if proposal.status != ProposalStatus.PROPOSED:
        raise IllegalTransition(_("Usulan ini sudah tidak berlaku."))
    proposal.status = ProposalStatus.DECLINED.value
    proposal.declined_by_pesantren_id = user.pesantren_id
    proposal.updated_at = utcnow()
    record(
        "proposal.declined",
        proposal,
        actor=user,
        pesantren_id=user.pesantren_id,
        offer=proposal.offer_id,
        request=proposal.request_id,
    )
    db.session.commit()
    return proposal


def mark_acted(proposal_id: int, deal_id: int) -> bool:
    """For the deals domain, inside its own transaction (no flush, no commit): mark an open
    proposal as acted on by the deal `deal_id`. False when it is no longer open."""
    result = db.session.execute(
        update(Proposal)
        .where(Proposal.id == proposal_id, Proposal.status == ProposalStatus.PROPOSED.value)
        .values(status=ProposalStatus.ACTED.value, deal_id=deal_id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
