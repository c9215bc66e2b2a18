"""The set-off core against an LP on random obligation graphs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from exchange.netting.core import Obligation, cycles, net_positions, optimise
from tests.depth import examples


def lp_max_cleared(obs: list[Obligation]) -> float:
    """Max sum x subject to: x is a circulation (net 0 at every node), 0 <= x <= amount."""
    nodes = sorted({o.debtor for o in obs} | {o.creditor for o in obs})
    a_eq = np.zeros((len(nodes), len(obs)))
    for j, o in enumerate(obs):
        a_eq[nodes.index(o.creditor), j] += 1
        a_eq[nodes.index(o.debtor), j] -= 1
    res = linprog(
        -np.ones(len(obs)),
        A_eq=a_eq,
        b_eq=np.zeros(len(nodes)),
        bounds=[(0, o.amount) for o in obs],
        method="highs",
    )
    assert res.status == 0
    return -res.fun


@st.composite
def networks(draw):
    n = draw(st.integers(2, 7))
    edges = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(1, 10_000)),
            min_size=1,
            max_size=20,
        )
    )
    return [Obligation(i + 1, d, c, a) for i, (d, c, a) in enumerate(edges) if d != c] or [
        Obligation(1, 0, 1, 5)
    ]


@settings(max_examples=examples(30, 150), deadline=None)
@given(networks())
def test_set_off_is_optimal_and_keeps_every_net_position(obs):
    result = optimise(obs)
    for o in obs:
        assert 0 <= result.set_off[o.id] <= o.amount
    remaining = {o.id: o.amount - result.set_off[o.id] for o in obs}
    before = {p: v for p, v in net_positions(obs).items() if v}
    after = {p: v for p, v in net_positions(obs, remaining).items() if v}
    assert before == after
    assert result.cleared == sum(result.set_off.values())
    assert result.cleared == pytest.approx(lp_max_cleared(obs), abs=1e-6)
    assert optimise(list(reversed(obs))) == result  # deterministic


def test_a_triangle_clears_its_smallest_debt_around_the_cycle():
    obs = [Obligation(1, 1, 2, 100), Obligation(2, 2, 3, 70), Obligation(3, 3, 1, 90)]
    result = optimise(obs)
    assert result.set_off == {1: 70, 2: 70, 3: 70}
    assert result.cleared == 210 and result.total == 260
    assert cycles(obs, result.set_off) == [{1, 2, 3}]


def test_a_chain_without_a_cycle_clears_nothing():
    obs = [Obligation(1, 1, 2, 100), Obligation(2, 2, 3, 100)]
    assert optimise(obs).cleared == 0
    assert cycles(obs, optimise(obs).set_off) == []


def test_a_bad_obligation_is_refused():
    with pytest.raises(ValueError):
        optimise([Obligation(1, 1, 1, 10)])
