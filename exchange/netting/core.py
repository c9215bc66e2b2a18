"""Multilateral set-off (kliring, *muqassah*) of payment obligations. Pure.

Obligations (debtor owes creditor an amount in whole rupiah) in; the set-off per obligation
that clears the most debt while every pesantren's net position stays exactly what it was.

Remaining debt is a flow on the obligation graph (edge debtor -> creditor, capacity = the
amount) whose net outflow at each node equals that node's net position; cleared = total -
remaining. Minimising the remaining debt is a min-cost flow (cost 1 per rupiah on every edge),
solved exactly in integers by OR-tools. Deterministic: obligations are sorted by id first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ortools.graph.python import min_cost_flow


@dataclass(frozen=True)
class Obligation:
    id: int
    debtor: int
    creditor: int
    amount: int  # whole rupiah, > 0
    due: date | None = None
    ribawi_class: str | None = None  # the goods' ribawi class (None: not ribawi)
    delivered: bool = True  # the goods were handed over (BAST recorded)


@dataclass(frozen=True)
class Result:
    set_off: dict[int, int]  # obligation id -> rupiah set off (0 <= x <= amount)
    total: int  # all debt that entered
    cleared: int  # sum of set_off
    # left out by the riba rule (``riba_left_out``): set_off 0, the debt stays as it was
    left_out: frozenset[int] = frozenset()

    @property
    def remaining(self) -> int:
        return self.total - self.cleared

    @property
    def share(self) -> float:
        return self.cleared / self.total if self.total else 0.0


def net_positions(obligations: Iterable[Obligation], amounts=None) -> dict[int, int]:
    """Each pesantren's net: what it is owed less what it owes (``amounts``: id -> amount)."""
    net: dict[int, int] = {}
    for o in obligations:
        a = o.amount if amounts is None else amounts[o.id]
        net[o.creditor] = net.get(o.creditor, 0) + a
        net[o.debtor] = net.get(o.debtor, 0) - a
    return net


def optimise(obligations: Iterable[Obligation]) -> Result:
    """The set-off that clears the most debt with every net position unchanged (exact)."""
    obs = sorted(obligations, key=lambda o: o.id)
    for o in obs:
        if o.amount <= 0 or o.debtor == o.creditor:
            raise ValueError(f"obligation {o.id}: amount must be positive between two parties")
    total = sum(o.amount for o in obs)
    if not obs:
        return Result({}, 0, 0)
    nodes = sorted({o.debtor for o in obs} | {o.creditor for o in obs})
    index = {p: i for i, p in enumerate(nodes)}
    smcf = min_cost_flow.SimpleMinCostFlow()
    for o in obs:
        smcf.add_arc_with_capacity_and_unit_cost(index[o.debtor], index[o.creditor], o.amount, 1)
    # A debtor (net < 0) sends its net debt; a creditor receives its net claim.
    for p, value in net_positions(obs).items():
        smcf.set_node_supply(index[p], -value)
    status = smcf.solve()
    if status != smcf.OPTIMAL:  # a feasible flow always exists: the obligations themselves
        raise RuntimeError(f"min-cost flow failed with status {status}")
    set_off = {o.id: o.amount - smcf.flow(arc) for arc, o in enumerate(obs)}
    return Result(set_off, total, sum(set_off.values()))


def cycles(obligations: Iterable[Obligation], set_off: dict[int, int]) -> list[set[int]]:
    """The groups of pesantren joined by a set-off (the weakly connected components of the
    cleared part): all of a group must confirm for its set-off to stand. Sorted, stable."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for o in sorted(obligations, key=lambda o: o.id):
        if set_off.get(o.id, 0) > 0:
            a, b = find(o.debtor), find(o.creditor)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, set[int]] = {}
    for p in list(parent):
        groups.setdefault(find(p), set()).add(p)
    return sorted(groups.values(), key=lambda g: min(g))


def riba_left_out(obligations: Iterable[Obligation], set_off: dict[int, int]) -> set[int]:
    """The debts a set-off may not touch (DOMAIN.md 7.5): a debt for ribawi goods not yet
    delivered, when its cleared group (``cycles``) holds another cleared debt for goods of the
    same ribawi class, whatever the number of parties. Setting them off would exchange the goods
    for goods of their class with a deferred leg (riba nasi'ah), as a bundle of the two would.
    Whether a kliring of such debts is an exchange of the goods at all awaits a ruling of a
    Sharia supervisory board (docs/netting.md); until then they are left out."""
    obs = [o for o in obligations if set_off.get(o.id, 0) > 0]
    group_of: dict[int, int] = {}
    for k, group in enumerate(cycles(obs, set_off)):
        for p in group:
            group_of[p] = k
    by_class: dict[tuple[int, str], list[Obligation]] = {}
    for o in obs:
        if o.ribawi_class is not None:
            by_class.setdefault((group_of[o.debtor], o.ribawi_class), []).append(o)
    out: set[int] = set()
    for legs in by_class.values():
        if len(legs) > 1:
            out |= {o.id for o in legs if not o.delivered}
    return out


def optimise_within_riba(obligations: Iterable[Obligation]) -> Result:
    """``optimise``, then leave out the debts ``riba_left_out`` names and optimise again over
    the rest, until none is left to leave out (each round leaves out at least one: it ends).
    The result's total is all debt that entered, the left-out debts with a set-off of 0."""
    obs = sorted(obligations, key=lambda o: o.id)
    left_out: set[int] = set()
    while True:
        kept = [o for o in obs if o.id not in left_out]
        result = optimise(kept)
        found = riba_left_out(kept, result.set_off)
        if not found:
            set_off = {o.id: result.set_off.get(o.id, 0) for o in obs}
            total = sum(o.amount for o in obs)
            return Result(set_off, total, result.cleared, frozenset(left_out))
        left_out |= found
