"""SQL that must be written differently on SQLite and PostgreSQL, kept in one place.

Medians: PostgreSQL has ``percentile_cont`` and SQLite has none, so medians are computed the
same portable way on both: rank the values with window functions (``ROW_NUMBER`` and ``COUNT``
over the group, SQLite >= 3.25) and average the one or two middle rows. Still one SQL query,
no Python loop over the rows.
"""

from __future__ import annotations

from sqlalchemy import Date, and_, cast, func, literal_column, select
from sqlalchemy.sql import Select


def dialect_name(session) -> str:
    return session.get_bind().dialect.name


def week_start(column, dialect: str):
    """The Monday (WIB) of the week of a UTC timestamp, as a 'YYYY-MM-DD' string."""
    if dialect == "postgresql":
        return func.to_char(
            func.date_trunc("week", func.timezone("Asia/Jakarta", column)), "YYYY-MM-DD"
        )
    # SQLite stores UTC without a zone: shift to WIB, then back to the Monday.
    return func.date(column, "+7 hours", "weekday 0", "-6 days")


def wib_day(column, dialect: str):
    """The WIB calendar day of a UTC timestamp, as a date (SQLite: 'YYYY-MM-DD', how SQLite
    stores a Date)."""
    if dialect == "postgresql":
        return cast(func.timezone("Asia/Jakarta", column), Date)
    return func.date(column, "+7 hours")  # WIB is UTC+7 all year


def seconds_between(later, earlier, dialect: str):
    if dialect == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * literal_column("86400.0")


def grouped_median(inner: Select, groups: list[str], value: str) -> Select:
    """SELECT the groups and the median of ``value`` in each, from the labelled ``inner``."""
    sub = inner.subquery("m_in")
    keys = [sub.c[g] for g in groups]
    v = sub.c[value]
    ranked = select(
        *keys,
        v.label("v"),
        func.row_number().over(partition_by=keys or None, order_by=v).label("rn"),
        func.count().over(partition_by=keys or None).label("n"),
    ).subquery("m_rank")
    rkeys = [ranked.c[g] for g in groups]
    middle = and_(ranked.c.rn * 2 >= ranked.c.n, ranked.c.rn * 2 <= ranked.c.n + 2)
    query = select(*rkeys, func.avg(ranked.c.v).label("median")).where(middle)
    return query.group_by(*rkeys).order_by(*rkeys) if rkeys else query
