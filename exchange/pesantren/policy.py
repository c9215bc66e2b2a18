"""What other domains may ask about a pesantren: its status vocabulary and whether it trades.
Pure: no Flask, no database (the SQL twin of ``is_trading`` is ``queries.trading_ids``)."""

from __future__ import annotations

from enum import StrEnum


class PesantrenStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    SUSPENDED = "suspended"
    REJECTED = "rejected"


def is_trading(status: str | None) -> bool:
    """A pesantren in this status may trade and its listings are open: verified only (a
    pending, suspended or rejected one has no open listing, no negotiation, no place in the
    clearing)."""
    return status == PesantrenStatus.VERIFIED


def is_public(status: str | None) -> bool:
    """Anyone may see its page (others see it only as its managers or staff)."""
    return is_trading(status)
