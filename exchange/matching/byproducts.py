"""What a clearing run stores beside its proposals: the reciprocal partners' flows, the unmet
requests and the idle offers of the market it cleared (the engine's one compatibility rule,
computed once per run instead of once per page view). Helpers of ``services.run_clearing``:
they write in its transaction and never commit."""

from __future__ import annotations

from sqlalchemy import delete, insert, text

from exchange.extensions import db
from exchange.matching.candidates import Candidates
from exchange.matching.instance import Market
from exchange.matching.models import RunIdleOffer, RunPartnerFlow, RunUnmetRequest
from exchange.matching.partners import partner_flows
from exchange.matching.reach import reach

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


def copy_rows(table, columns: tuple[str, ...], values: list[tuple]) -> None:
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


def store(run_id: int, market: Market, fits: Candidates, com_ids: dict[str, int]) -> None:
    """Replace the previous run's by-products with this run's (only the latest is read)."""
    for model in (RunPartnerFlow, RunUnmetRequest, RunIdleOffer):
        db.session.execute(delete(model).where(model.run_id != run_id))
    flows = partner_flows(market.instance, fits)
    copy_rows(
        RunPartnerFlow.__table__,
        FLOW_COLUMNS,
        [
            (run_id, int(f.seller), int(f.buyer), com_ids[f.commodity], f.quantity, f.distance_km)
            for f in flows
        ],
    )
    found = reach(market.instance, market.requests, market.offers, fits)
    copy_rows(
        RunUnmetRequest.__table__,
        GAP_COLUMNS,
        [
            (
                run_id,
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
    )
    copy_rows(RunIdleOffer.__table__, IDLE_COLUMNS, [(run_id, o, q) for o, q in found.idle.items()])


def analyze() -> None:
    """After the run's commit, on PostgreSQL: fresh planner statistics for the replaced rows.
    Until autovacuum gets to them the planner takes the new tables for empty, and the partners
    query of one pesantren took 100 ms instead of a fraction of one."""
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("ANALYZE run_partner_flows, run_unmet_requests, run_idle_offers"))
        db.session.commit()
