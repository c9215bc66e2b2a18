"""The declarative base, column aliases and time helpers shared by every domain."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from sqlalchemy import BigInteger, DateTime, Enum, Integer, MetaData, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, mapped_column

from exchange.clock import utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Stores UTC, always hands back timezone-aware UTC (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use exchange.db.utcnow()")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


intpk = Annotated[int, mapped_column(Integer, primary_key=True)]
# Whole rupiah: exact integers, never floats.
rupiah = Annotated[int, mapped_column(BigInteger)]
timestamp = Annotated[datetime, mapped_column(UTCDateTime(), default=utcnow)]
str40 = Annotated[str, mapped_column(String(40))]


def enum_type(enum_class: type[StrEnum], length: int, name: str) -> Enum:
    """A column typed by a vocabulary's StrEnum: stored as its value in a VARCHAR (as before, so
    no data changes), read back as the enum member, and guarded by a CHECK constraint
    ``ck_<table>_<name>`` generated from the enum's values (the migration adds the same)."""
    return Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        create_constraint=True,
        validate_strings=True,
        name=name,
    )


str120 = Annotated[str, mapped_column(String(120))]
str255 = Annotated[str, mapped_column(String(255))]


def like_escape(text: str) -> str:
    """Text for a LIKE pattern matched literally (``escape="\\\\"``): % and _ are not wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
