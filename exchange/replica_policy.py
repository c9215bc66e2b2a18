"""Whether the listed reads may go to the read replica now, given what this process last saw of
it and the clock (docs/production.md, "Read replica"). Pure: the shell is
``exchange/site/replica_health.py``, which keeps one ``ReplicaState`` per process.

- A replica that refused or timed out a connection is **down**: the reads go to the primary,
  and it is tried again only after ``retry_seconds`` (by one request; the others keep to the
  primary meanwhile).
- A replica whose measured lag is over ``max_lag_seconds`` is **lagging**: the reads go to the
  primary until a later measurement (every ``lag_check_seconds``) finds it caught up.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Limits:
    retry_seconds: float
    max_lag_seconds: float
    lag_check_seconds: float


@dataclass(frozen=True, slots=True)
class ReplicaState:
    """Times are seconds of a monotonic clock."""

    down_since: float | None = None  # the first failure of the present incident
    retry_at: float = 0.0  # while down: no connection is tried before this
    lag_seconds: float | None = None  # the latest measurement (None: none yet)
    lag_read_at: float | None = None  # when it was taken (or claimed by a probe)

    @property
    def down(self) -> bool:
        return self.down_since is not None


class Step(StrEnum):
    REPLICA = "replica"  # read there
    PROBE = "probe"  # connect and measure the lag, then ``usable`` decides
    PRIMARY = "primary"  # down and waiting for its retry, or lagging


class Change(StrEnum):
    """What a transition is worth one log line for."""

    DOWN = "down"
    UP = "up"
    LAGGING = "lagging"
    CAUGHT_UP = "caught_up"


def lagging(state: ReplicaState, limits: Limits) -> bool:
    return state.lag_seconds is not None and state.lag_seconds > limits.max_lag_seconds


def usable(state: ReplicaState, limits: Limits) -> bool:
    """After a probe: read from the replica when it answered and does not lag too far."""
    return not state.down and not lagging(state, limits)


def decide(state: ReplicaState, now: float, limits: Limits) -> Step:
    if state.down:
        return Step.PROBE if now >= state.retry_at else Step.PRIMARY
    if state.lag_read_at is None or now - state.lag_read_at >= limits.lag_check_seconds:
        return Step.PROBE
    return Step.PRIMARY if lagging(state, limits) else Step.REPLICA


def probing(state: ReplicaState, now: float, limits: Limits) -> ReplicaState:
    """The state while one request probes: the others decide on it as if the probe were done
    (a down replica waits another back-off; an up one keeps its last lag)."""
    if state.down:
        return replace(state, retry_at=now + limits.retry_seconds)
    return replace(state, lag_read_at=now)


def failed(state: ReplicaState, now: float, limits: Limits) -> ReplicaState:
    """Connecting (or measuring) failed: down, tried again after the back-off."""
    since = state.down_since if state.down else now
    return ReplicaState(down_since=since, retry_at=now + limits.retry_seconds)


def measured(now: float, lag_seconds: float | None) -> ReplicaState:
    """The replica answered; ``lag_seconds`` None (a primary standing in, or not PostgreSQL)
    counts as no lag."""
    return ReplicaState(lag_seconds=max(float(lag_seconds or 0.0), 0.0), lag_read_at=now)


def change(before: ReplicaState, after: ReplicaState, limits: Limits) -> Change | None:
    if not before.down and after.down:
        return Change.DOWN
    if before.down and not after.down:
        return Change.UP
    if after.lag_seconds is None:
        return None
    if not lagging(before, limits) and lagging(after, limits):
        return Change.LAGGING
    if lagging(before, limits) and not lagging(after, limits):
        return Change.CAUGHT_UP
    return None
