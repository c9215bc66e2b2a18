"""The freight vocabulary other domains (dashboard, scheduler, templates) may use. Pure."""

from __future__ import annotations

from enum import StrEnum


class TripState(StrEnum):
    PROPOSED = "proposed"  # waiting for the answers of those who bear transport
    AGREED = "agreed"  # every deal's transport bearer accepted: the trip runs
    DECLINED = "declined"  # one bearer declined: the trip is off, every deal stays as it was
    LAPSED = "lapsed"  # the day came before everyone answered, or a deal's terms changed


class Answer(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class StopKind(StrEnum):
    PICKUP = "pickup"
    DROP = "drop"


class RunTrigger(StrEnum):
    DAILY = "daily"  # the daily job, after the nightly clearing run: signed deals not yet shipped
    MANUAL = "manual"  # staff, or the command line


OPEN_TRIP_STATES = (TripState.PROPOSED, TripState.AGREED)


def is_open(state: str | None) -> bool:
    """A trip that still holds its deals (no other trip may propose them)."""
    return state in OPEN_TRIP_STATES
