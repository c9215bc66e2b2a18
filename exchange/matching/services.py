"""Matching use cases: the clearing run, declining a proposal, marking one acted on."""

from __future__ import annotations

import json
from datetime import timedelta
from time import perf_counter

from flask_babel import gettext as _
from sqlalchemy import delete, insert, text, update

from exchange.audit.services import record
from exchange.auth.models import User
from exchange.auth.permissions import is_manager_of, require_staff
from exchange.clock import today_wib
from exchange.db import utcnow
from exchange.errors import IllegalTransition, NotFound
from exchange.extensions import db
from exchange.matching import adapter, formats, queries
from exchange.matching import job as job_parts
from exchange.matching.candidates import Candidates, compatible_pairs
from exchange.matching.models import (
    MatchRun,
    Proposal,
    ProposalStatus,
    RunIdleOffer,
    RunPartnerFlow,
    RunStatus,
    RunUnmetRequest,
)
from exchange.matching.partners import partner_flows
from exchange.matching.queries import Market
from exchange.matching.reach import reach

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

    Beside the proposals, the run stores what the engine's rule says about the market it cleared
    (``byproduct_rows``, ``write_byproducts``): reciprocal partners' flows, unmet requests,
    idle offers.

    The returned run carries `timings` (load, solve, store in ms; not stored).
    Raises NotFound when `actor` is given and is not staff.
    """
    if actor is not None:
        require_staff(actor)
    now = now or utcnow()
    t0 = perf_counter()
    one_run_at_a_time()
    market = queries.load_market(today_wib(now))
    instance = market.instance
    excluded = queries.declined_pairs()
    t1 = perf_counter()
    fits = compatible_pairs(instance)
    cand = adapter.without_pairs(fits, excluded)
    rows, welfare = adapter.proposals(cand)
    t2 = perf_counter()
    extra = byproduct_rows(market, fits)
    run = write_run(
        actor, now, len(instance.listings), rows, welfare, len(cand), len(excluded), extra
    )
    duration = round((perf_counter() - t0) * 1000)
    run.duration_ms = duration
    run.finished_at = now + timedelta(milliseconds=duration)
    db.session.commit()
    analyze_byproducts()
    t3 = perf_counter()
    run.timings = {
        "load_ms": (t1 - t0) * 1000,
        "solve_ms": (t2 - t1) * 1000,
        "store_ms": (t3 - t2) * 1000,
        "total_ms": (t3 - t0) * 1000,
    }
    return run


def write_run(actor, now, listings: int, rows, welfare, pairs, excluded, byproducts: dict):
    """Store a clearing run in the current transaction (flush, no commit): the run, its
    proposals (earlier open ones become superseded), its by-products (``byproduct_rows``) and
    the audit event. Shared by ``run_clearing`` and the clearing job's store step
    (exchange/matching/job.py)."""
    run = MatchRun(
        started_at=now,
        started_by_id=getattr(actor, "id", None),
        status=RunStatus.COMPLETED.value,
        listings_count=listings,
        candidate_pairs=pairs,
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
    com_ids = queries.commodity_ids()
    _store_proposals(run.id, rows, now, com_ids)
    write_byproducts(run.id, byproducts, com_ids)
    record(
        "matching.run",
        run,
        actor=actor,
        listings=run.listings_count,
        pairs=run.candidate_pairs,
        proposals=run.proposals_count,
        welfare=run.welfare,
        excluded_declined=excluded,
    )
    return run


#: Key of the PostgreSQL advisory lock that serialises clearing runs (any constant bigint).
RUN_LOCK_KEY = 7_304_551


def one_run_at_a_time() -> None:
    """On PostgreSQL, wait for any other clearing run to commit before loading: two runs at once
    would each leave their own proposals open. The lock ends with the transaction."""
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": RUN_LOCK_KEY})


def _store_proposals(run_id: int, rows: list, now, com_ids: dict[str, int]) -> None:
    """Insert the run's proposals in the current transaction (flush-free, COPY on PostgreSQL)."""
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
    _copy_rows(Proposal.__table__, PROPOSAL_COLUMNS, values)


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


# What a clearing run stores beside its proposals: the reciprocal partners' flows, the unmet
# requests and the idle offers of the market it cleared (the engine's one compatibility rule,
# computed once per run instead of once per page view). They write in run_clearing's
# transaction and never commit.

FLOW_COLUMNS = (
    "run_id",
    "seller_pesantren_id",
    "buyer_pesantren_id",
    "commodity_id",
    "quantity",
    "distance_km",
)
GAP_COLUMNS = (
    "run_id",
    "request_id",
    "unmet",
    "offer_id",
    "distance_km",
    "delivered_price",
    "price_gap",
    "blocked_by",
)
IDLE_COLUMNS = ("run_id", "offer_id", "quantity")


def _copy_rows(table, columns: tuple[str, ...], values: list[tuple]) -> None:
    """Insert rows in the current transaction: COPY on PostgreSQL (an executemany sends tens of
    thousands of rows one by one, ten times slower), one executemany elsewhere."""
    if not values:
        return
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        cols = ", ".join(columns)
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({cols}) FROM STDIN") as copy:
            for v in values:
                copy.write_row(v)
    else:
        db.session.execute(insert(table), [dict(zip(columns, v, strict=True)) for v in values])


def byproduct_rows(market: Market, fits: Candidates) -> dict[str, list]:
    """What the engine's rule says about the market besides the proposals, as plain rows
    (commodity by slug): partners' flows, unmet requests, idle offers. Partners and reach
    ignore declined pairs: a declined proposal does not end a partnership."""
    flows = partner_flows(market.instance, fits)
    found = reach(market.instance, market.requests, market.offers, fits)
    return {
        "flows": [
            (int(f.seller), int(f.buyer), f.commodity, f.quantity, f.distance_km) for f in flows
        ],
        "gaps": [
            (
                g.request_id,
                g.unmet,
                g.offer_id,
                g.distance_km,
                g.delivered_price,
                g.price_gap,
                g.blocked_by,
            )
            for g in found.gaps
        ],
        "idle": [(o, q) for o, q in found.idle.items()],
    }


def write_byproducts(run_id: int, rows: dict[str, list], com_ids: dict[str, int]) -> None:
    """Replace the previous run's by-products with this run's (only the latest is read)."""
    for model in (RunPartnerFlow, RunUnmetRequest, RunIdleOffer):
        db.session.execute(delete(model).where(model.run_id != run_id))
    _copy_rows(
        RunPartnerFlow.__table__,
        FLOW_COLUMNS,
        [(run_id, s, b, com_ids[c], q, d) for s, b, c, q, d in rows["flows"]],
    )
    _copy_rows(RunUnmetRequest.__table__, GAP_COLUMNS, [(run_id, *g) for g in rows["gaps"]])
    _copy_rows(RunIdleOffer.__table__, IDLE_COLUMNS, [(run_id, o, q) for o, q in rows["idle"]])


def analyze_byproducts() -> None:
    """After the run's commit, on PostgreSQL: fresh planner statistics for the replaced rows.
    Until autovacuum gets to them the planner takes the new tables for empty, and the partners
    query of one pesantren took 100 ms instead of a fraction of one."""
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("ANALYZE run_partner_flows, run_unmet_requests, run_idle_offers"))
        db.session.commit()


# The clearing run as a job (exchange/jobs; the pure parts are exchange/matching/job.py).


def market_part(raw: dict) -> str:
    """The by-products of the whole market (``byproduct_rows``)."""
    instance = formats.instance_from_dict(raw["instance"])
    market = Market(instance, dict(raw["requests"]), dict(raw["offers"]))
    return job_parts.dumps(byproduct_rows(market, compatible_pairs(instance)))


class ClearingJob:
    """The clearing run as a job (exchange/jobs): prepare reads the market once, the solve steps
    run ``job.solve_part`` per commodity and ``market_part`` for the by-products, store writes."""

    run_endpoint = "matching.run"
    runs_endpoint = "matching.runs"

    def prepare(self, job) -> tuple[str, list[tuple[str, str]]]:
        market = queries.load_market(today_wib(job.as_of))
        excluded = sorted(queries.declined_pairs())
        parts = []
        for slug, inst in job_parts.split(market.instance).items():
            ids = {l.id for l in inst.listings}
            mine = [p for p in excluded if p[0] in ids and p[1] in ids]
            parts.append(
                (
                    slug,
                    job_parts.dumps({"instance": formats.instance_to_dict(inst), "excluded": mine}),
                )
            )
        whole = {
            "instance": formats.instance_to_dict(market.instance),
            "requests": sorted(market.requests.items()),
            "offers": sorted(market.offers.items()),
        }
        parts.append((job_parts.MARKET_KEY, job_parts.dumps(whole)))
        facts = {"listings": len(market.instance.listings), "excluded": len(excluded)}
        return job_parts.dumps(facts), parts

    def solve(self, payload: str) -> str:
        raw = json.loads(payload)
        return market_part(raw) if "requests" in raw else job_parts.solve_part(raw)

    def store(self, job, snapshot: str | None, results: dict[str, str]) -> int:
        one_run_at_a_time()
        facts = json.loads(snapshot)
        extra = json.loads(results.pop(job_parts.MARKET_KEY))
        rows, welfare, pairs = [], 0.0, 0
        for key in sorted(results):
            part = json.loads(results[key])
            rows += [adapter.ProposalRow(*r) for r in part["rows"]]
            welfare += part["welfare"]
            pairs += part["pairs"]
        rows.sort(key=lambda r: (r.offer_id, r.request_id))
        actor = db.session.get(User, job.started_by_id) if job.started_by_id else None
        run = write_run(
            actor, job.as_of, facts["listings"], rows, welfare, pairs, facts["excluded"], extra
        )
        started = job.started_at or job.as_of
        run.finished_at = utcnow()
        run.duration_ms = max(0, round((run.finished_at - started) / timedelta(milliseconds=1)))
        db.session.flush()
        return run.id

    def after_store(self, run_id: int) -> None:
        analyze_byproducts()


CLEARING_JOB = ClearingJob()
