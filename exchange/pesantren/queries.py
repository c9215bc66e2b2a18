"""Reads for the registry pages."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from exchange.auth.models import Role, User
from exchange.auth.permissions import is_manager_of
from exchange.errors import NotFound
from exchange.extensions import db
from exchange.pesantren.models import Pesantren, PesantrenStatus, PesantrenStatusChange


def trading_ids():
    """The ids of the pesantren that trade: the SQL twin of ``policy.is_trading``."""
    return select(Pesantren.id).where(Pesantren.status == PesantrenStatus.VERIFIED)


def directory_query(q: str = "", regency_code: str = ""):
    """Verified pesantren, by name, optionally searched and filtered by regency."""
    query = select(Pesantren).where(Pesantren.status == PesantrenStatus.VERIFIED)
    if q:
        like = f"%{q.lower()[:80]}%"
        query = query.where(
            or_(
                func.lower(Pesantren.name).like(like),
                func.lower(Pesantren.kopontren_name).like(like),
                func.lower(Pesantren.products).like(like),
            )
        )
    if regency_code:
        query = query.where(Pesantren.regency_code == regency_code)
    return query.order_by(Pesantren.name, Pesantren.id)


def visible_pesantren(user, pesantren_id: int) -> Pesantren:
    """A verified pesantren for anyone; others only for their own managers and staff."""
    pesantren = db.session.get(Pesantren, pesantren_id)
    if pesantren is None:
        raise NotFound()
    if pesantren.is_verified:
        return pesantren
    if getattr(user, "is_authenticated", False) and (
        user.is_staff or is_manager_of(user, pesantren.id)
    ):
        return pesantren
    raise NotFound()


def queue_query(status: str = PesantrenStatus.PENDING):
    """The verification queue: oldest first, so nobody waits forever."""
    return (
        select(Pesantren)
        .where(Pesantren.status == status)
        .order_by(Pesantren.status_changed_at, Pesantren.id)
    )


def registrants(pesantren_ids) -> dict[int, object]:
    """Who registered each pesantren: its first manager account (name, e-mail, when)."""
    first: dict[int, object] = {}
    rows = db.session.scalars(
        select(User)
        .where(User.pesantren_id.in_(list(pesantren_ids)), User.role == Role.MANAGER)
        .order_by(User.id)
    )
    for user in rows:
        first.setdefault(user.pesantren_id, user)
    return first


def status_counts() -> dict[str, int]:
    rows = db.session.execute(
        select(Pesantren.status, func.count()).group_by(Pesantren.status)
    ).all()
    return {row[0]: row[1] for row in rows}


def history(pesantren_id: int) -> list[PesantrenStatusChange]:
    return list(
        db.session.scalars(
            select(PesantrenStatusChange)
            .where(PesantrenStatusChange.pesantren_id == pesantren_id)
            .order_by(PesantrenStatusChange.created_at.desc(), PesantrenStatusChange.id.desc())
        )
    )
