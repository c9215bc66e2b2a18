"""What other domains may ask about an account: its role and digest vocabularies and what a
role may do. Pure: no Flask, no database (``permissions.py`` applies these to a signed-in user)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    MANAGER = "manager"
    STAFF = "staff"
    ADMIN = "admin"


class DigestFrequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    NONE = "none"


STAFF_ROLES = frozenset({Role.STAFF, Role.ADMIN})


def is_staff_role(role: str | None) -> bool:
    """Staff and admins both review the exchange (and are party to no deal)."""
    return role in STAFF_ROLES


def may_trade(role: str | None, pesantren_trading: bool) -> bool:
    """Only a manager, of a pesantren that trades (``pesantren.policy.is_trading``)."""
    return role == Role.MANAGER and pesantren_trading


def can_see_private(role: str | None, own: bool) -> bool:
    """Another pesantren's private object: only for its own managers and for staff."""
    return own or is_staff_role(role)
