"""Keeping ``contract_facts`` up to date: in the same transaction as the change.

A contract's facts change when it is signed (its contract row appears), when its deal moves
(every move writes a DealEvent: ``deals.moves.apply_move``) and when a party's regency
changes. A session hook notes those deals as the session flushes and rewrites their rows just
before the commit, set-based (one DELETE, one INSERT ... SELECT); ``rebuild()`` rewrites all
of them (``flask exchange rebuild-facts``, and the nightly scheduler job as a safety net).
Each rewrite also writes a new facts version (``FactsVersion``), under which ``memo.py`` keeps
what the staff pages computed.
"""

from __future__ import annotations

import secrets

from sqlalchemy import (
    String,
    and_,
    case,
    delete,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.orm import Session, aliased

from exchange.dashboard.models import ALL_REGENCIES, ContractDay, ContractFact, FactsVersion
from exchange.dashboard.sqlutil import seconds_between, wib_day
from exchange.deals.models import Contract, Deal, DealEvent, TermsVersion
from exchange.listings.models import Listing
from exchange.pesantren.models import Pesantren

_KEY = "contract_fact_deals"
_PES_KEY = "contract_fact_pesantren"
COLUMNS = (
    "deal_id",
    "signed_at",
    "signed_on",
    "commodity_id",
    "seller_pesantren_id",
    "buyer_pesantren_id",
    "seller_regency",
    "buyer_regency",
    "state",
    "quantity",
    "value",
    "unit_price",
    "request_id",
    "seconds_to_contract",
)


def _source(dialect: str):
    """The facts of every signed contract, computed from the rows (the definition)."""
    seller, buyer = aliased(Pesantren, name="s"), aliased(Pesantren, name="b")
    off, req = aliased(Listing, name="off"), aliased(Listing, name="req")
    posted = case(
        (req.created_at.is_(None), off.created_at),
        (off.created_at.is_(None), req.created_at),
        (req.created_at > off.created_at, req.created_at),
        else_=off.created_at,
    )
    return (
        select(
            Deal.id,
            Deal.signed_at,
            wib_day(Deal.signed_at, dialect),
            Deal.commodity_id,
            Deal.seller_pesantren_id,
            Deal.buyer_pesantren_id,
            seller.regency_code,
            buyer.regency_code,
            Deal.state,
            TermsVersion.quantity,
            Contract.total,
            TermsVersion.unit_price,
            Deal.request_id,
            seconds_between(Deal.signed_at, posted, dialect),
        )
        .select_from(Contract)
        .join(Deal, Deal.id == Contract.deal_id)
        .join(
            TermsVersion,
            and_(TermsVersion.deal_id == Deal.id, TermsVersion.number == Contract.terms_version),
        )
        .join(seller, seller.id == Deal.seller_pesantren_id)
        .join(buyer, buyer.id == Deal.buyer_pesantren_id)
        .outerjoin(off, off.id == Deal.offer_id)
        .outerjoin(req, req.id == Deal.request_id)
        .where(Deal.signed_at.is_not(None))
    )


def refresh(session: Session, deal_ids=None, pesantren_ids=None) -> None:
    """Rewrite the facts of these deals and of these pesantren's deals (all when both are
    None), and the day sums of the days they were signed, in the session's transaction."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # Two transactions rewriting the same day would both insert its rows: one at a time
        # (taken before the version row's lock, so the two locks come in one order).
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": DAYS_LOCK_KEY})
    _bump_version(session)
    source = _source(dialect)
    target = delete(ContractFact)
    days = None
    if deal_ids is not None or pesantren_ids is not None:
        deals, people = sorted(deal_ids or ()), sorted(pesantren_ids or ())
        which = or_(
            Deal.id.in_(deals),
            Deal.seller_pesantren_id.in_(people),
            Deal.buyer_pesantren_id.in_(people),
        )
        source = source.where(which)
        mine = or_(
            ContractFact.deal_id.in_(deals),
            ContractFact.seller_pesantren_id.in_(people),
            ContractFact.buyer_pesantren_id.in_(people),
        )
        target = target.where(mine)
        days = set(session.scalars(select(ContractFact.signed_on).where(mine).distinct()))
    session.execute(target)
    session.execute(
        insert(ContractFact).from_select(COLUMNS, source),
        execution_options={"synchronize_session": False},
    )
    if days is not None:
        days |= set(session.scalars(select(ContractFact.signed_on).where(mine).distinct()))
        if not days:
            return
    _sum_days(session, dialect, days)


def _bump_version(session: Session) -> None:
    """A new facts version, in this transaction: what was cached under the old one is stale
    for every reader that sees this commit (the number is random: see FactsVersion)."""
    new = secrets.randbits(62) + 1
    if not session.execute(update(FactsVersion).values(version=new)).rowcount:
        session.add(FactsVersion(id=1, version=new))
        session.flush()


DAY_COLUMNS = ("regency_code", "day", "commodity_id", "state", "contracts", "quantity", "value")


def _sum_days(session: Session, dialect: str, days: set | None) -> None:
    """Rewrite the day sums of these days (all when None) from contract_facts."""
    f = ContractFact
    where = [] if days is None else [f.signed_on.in_(sorted(days))]
    keys = (f.signed_on, f.commodity_id, f.state)
    sums = (func.count(), func.sum(f.quantity), func.sum(f.value))
    everything = (
        select(literal(ALL_REGENCIES, String(8)), *keys, *sums).where(*where).group_by(*keys)
    )
    # A contract counts under its seller's regency, and its buyer's when that is another.
    per_party = union_all(
        select(f.seller_regency.label("regency"), *keys, f.quantity, f.value).where(*where),
        select(f.buyer_regency.label("regency"), *keys, f.quantity, f.value).where(
            *where, f.buyer_regency != f.seller_regency
        ),
    ).subquery()
    p = per_party.c
    regencies = select(
        p.regency, p.signed_on, p.commodity_id, p.state, func.count(), func.sum(p.quantity),
        func.sum(p.value),
    ).group_by(p.regency, p.signed_on, p.commodity_id, p.state)  # fmt: skip
    stale = delete(ContractDay)
    if days is not None:
        stale = stale.where(ContractDay.day.in_(sorted(days)))
    session.execute(stale)
    for q in (everything, regencies):
        session.execute(
            insert(ContractDay).from_select(DAY_COLUMNS, q),
            execution_options={"synchronize_session": False},
        )


#: Key of the PostgreSQL advisory lock around rewriting day sums (any constant bigint).
DAYS_LOCK_KEY = 7_304_552


def rebuild(session: Session) -> int:
    """Rewrite every contract's facts; returns how many there are. Does not commit."""
    refresh(session)
    return session.query(ContractFact).count()


def _note_changes(session: Session, _context) -> None:
    deals = session.info.setdefault(_KEY, set())
    for obj in session.new:
        if isinstance(obj, (Contract, DealEvent)):
            deals.add(obj.deal_id)
    for obj in session.dirty:
        if isinstance(obj, Deal) and session.is_modified(obj, include_collections=False):
            deals.add(obj.id)
        elif isinstance(obj, Pesantren):
            history = _history(obj, "regency_code")
            if history:
                session.info.setdefault(_PES_KEY, set()).add(obj.id)


def _history(obj, name: str) -> bool:
    return inspect(obj).attrs[name].history.has_changes()


def _write_facts(session: Session) -> None:
    session.flush()
    deals = session.info.pop(_KEY, set())
    people = session.info.pop(_PES_KEY, set())
    if deals or people:
        refresh(session, deals, people)


def _forget(session: Session) -> None:
    session.info.pop(_KEY, None)
    session.info.pop(_PES_KEY, None)


#: The session hooks that note deal and pesantren changes and rewrite their contract facts
#: before COMMIT; installed once at start-up by ``exchange.hooks.install`` (docs/wiring.md).
SESSION_HOOKS = (
    ("after_flush", _note_changes),
    ("before_commit", _write_facts),
    ("after_rollback", _forget),
)
