"""The pure flow and network summaries, on small graphs whose answers are known by hand."""

from hypothesis import given, settings
from hypothesis import strategies as st

from exchange.dashboard.flows import (
    Edge,
    network,
    reciprocal_pairs,
    regency_matrix,
    regency_totals,
    top_corridors,
)
from tests.depth import examples


def e(a, b, value, ra="3529", rb="3578", volume=10, contracts=1):
    return Edge(a, b, ra, rb, value, volume, contracts)


def test_regency_matrix_sums_pairs_and_sorts_by_value():
    edges = [
        e(1, 2, 100, "3529", "3578", 10),
        e(3, 2, 50, "3529", "3578", 5, 2),
        e(2, 1, 70, "3578", "3529", 7),
        e(4, 5, 500, "3502", "3502", 1),
    ]
    matrix = regency_matrix(edges)
    assert [(f.origin, f.destination, f.value, f.volume, f.contracts) for f in matrix] == [
        ("3502", "3502", 500, 1, 1),
        ("3529", "3578", 150, 15, 3),
        ("3578", "3529", 70, 7, 1),
    ]
    # A corridor joins two different regencies: trade inside Ponorogo is not one.
    assert [(f.origin, f.destination) for f in top_corridors(matrix, n=1)] == [("3529", "3578")]
    assert regency_totals(matrix)["3529"] == (150, 70)


def test_reciprocal_pairs_count_each_pair_once():
    edges = [e(1, 2, 1), e(2, 1, 1), e(1, 3, 1), e(3, 4, 1), e(4, 3, 1), e(2, 3, 1)]
    assert reciprocal_pairs(edges) == 2


def test_network_finds_the_hub_the_bridge_and_the_one_sided():
    # Two triangles (1,2,3) and (4,5,6) joined through 7: 3 - 7 - 4.
    edges = [
        e(1, 2, 10), e(2, 3, 10), e(3, 1, 10),
        e(4, 5, 10), e(5, 6, 10), e(6, 4, 10),
        e(3, 7, 5), e(7, 4, 5),
        e(8, 3, 1), e(9, 3, 1),  # 8 and 9 only sell (to 3)
        e(4, 10, 1),  # 10 only buys
    ]  # fmt: skip
    net = network(edges, top=3)
    assert net.nodes == 10
    assert net.betweenness_exact
    # 3 trades with 1, 2, 7, 8, 9: the most partners.
    assert net.by_degree[0].pesantren_id == 3
    assert net.by_degree[0].degree == 5
    # Every path between the two triangles runs through 3, 7 and 4.
    assert {c.pesantren_id for c in net.by_betweenness} == {3, 4, 7}
    assert [r.pesantren_id for r in net.sell_only] == [8, 9]
    assert [r.pesantren_id for r in net.buy_only] == [10]
    # The two triangles are two clusters.
    groups = [set(c.members) for c in net.clusters]
    assert any({1, 2}.issubset(g) for g in groups)
    assert any({5, 6}.issubset(g) for g in groups)
    assert not any({1, 5}.issubset(g) for g in groups)


def test_network_is_deterministic_and_handles_no_trade():
    edges = [e(i, (i * 7) % 23 + 1, i * 3 + 1) for i in range(1, 23) if i != (i * 7) % 23 + 1]
    assert network(edges) == network(list(reversed(edges)))
    empty = network([])
    assert empty.nodes == 0 and empty.by_degree == () and empty.clusters == ()


edge_lists = st.lists(
    st.builds(
        Edge,
        st.integers(1, 8),
        st.integers(9, 16),
        st.sampled_from(["3529", "3578", "3502"]),
        st.sampled_from(["3529", "3578", "3502"]),
        st.integers(1, 10**9),
        st.integers(1, 10**6),
        st.integers(1, 5),
    ),
    max_size=30,
)


@settings(max_examples=examples(15, 40), deadline=None)
@given(edge_lists)
def test_the_matrix_keeps_every_rupiah_and_unit(edges):
    matrix = regency_matrix(edges)
    assert sum(f.value for f in matrix) == sum(x.value for x in edges)
    assert sum(f.volume for f in matrix) == sum(x.volume for x in edges)
    assert sum(f.contracts for f in matrix) == sum(x.contracts for x in edges)
    assert len({(f.origin, f.destination) for f in matrix}) == len(matrix)
