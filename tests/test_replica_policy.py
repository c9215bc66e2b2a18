"""exchange/replica_policy.py: when the listed reads go to the replica, from state and clock."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exchange.replica_policy import (
    Change,
    Limits,
    ReplicaState,
    Step,
    change,
    decide,
    failed,
    measured,
    probing,
    usable,
)

LIMITS = Limits(retry_seconds=30, max_lag_seconds=10, lag_check_seconds=5)


def test_a_fresh_process_probes_first():
    assert decide(ReplicaState(), 100.0, LIMITS) == Step.PROBE


def test_an_unreachable_replica_is_left_alone_until_its_retry():
    down = failed(ReplicaState(), 100.0, LIMITS)
    assert decide(down, 100.0, LIMITS) == Step.PRIMARY
    assert decide(down, 129.9, LIMITS) == Step.PRIMARY
    assert decide(down, 130.0, LIMITS) == Step.PROBE
    # One request probes; the others keep to the primary for another back-off.
    claimed = probing(down, 130.0, LIMITS)
    assert decide(claimed, 130.1, LIMITS) == Step.PRIMARY
    # Still down: the incident keeps its start, the retry moves on.
    again = failed(claimed, 131.0, LIMITS)
    assert again.down_since == 100.0 and again.retry_at == 161.0
    assert change(claimed, again, LIMITS) is None  # logged once, not at every retry


def test_a_replica_back_after_its_retry_answers_again():
    down = failed(ReplicaState(), 100.0, LIMITS)
    back = measured(131.0, None)
    assert usable(back, LIMITS)
    assert change(down, back, LIMITS) == Change.UP
    assert decide(back, 132.0, LIMITS) == Step.REPLICA


def test_lag_over_the_limit_sends_the_reads_to_the_primary_until_it_catches_up():
    fresh = measured(100.0, 2.0)
    behind = measured(105.0, 11.0)
    assert change(fresh, behind, LIMITS) == Change.LAGGING
    assert not usable(behind, LIMITS)
    assert decide(behind, 107.0, LIMITS) == Step.PRIMARY
    assert decide(behind, 110.0, LIMITS) == Step.PROBE  # measured again
    caught_up = measured(110.0, 0.5)
    assert change(behind, caught_up, LIMITS) == Change.CAUGHT_UP
    assert decide(caught_up, 111.0, LIMITS) == Step.REPLICA


def test_no_lag_reading_counts_as_none():
    assert measured(1.0, None).lag_seconds == 0.0
    assert measured(1.0, -0.2).lag_seconds == 0.0  # clocks of two hosts


@pytest.mark.deep
@given(
    st.integers(0, 10**6),
    st.integers(0, 10**6),
    st.one_of(st.none(), st.integers(0, 10**4)),
    st.integers(0, 10**4),
)
def test_a_down_replica_is_never_read_and_never_tried_before_its_retry(start, later, lag, limit):
    limits = Limits(retry_seconds=30, max_lag_seconds=limit, lag_check_seconds=5)
    down = failed(measured(start, lag), start, limits)
    step = decide(down, start + later, limits)
    assert step != Step.REPLICA
    assert (step == Step.PROBE) == (later >= 30)
