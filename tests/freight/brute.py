"""The exact optimum of a few shipments: every grouping (set partition) of them, each group's
best trip by exhaustive search, a bundle's legs in one group. For the planner's tests only."""

from __future__ import annotations

from functools import cache

from exchange.freight.costs import CostModel, Shipment, stand_alone
from exchange.freight.planner import units_of
from exchange.freight.routes import best_route


def partitions(items):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in partitions(rest):
        yield [[first], *part]
        for i in range(len(part)):
            yield [*part[:i], [first, *part[i]], *part[i + 1 :]]


def optimum(shipments: list[Shipment], model: CostModel) -> int:
    """The least total transport cost of these shipments, sharing trips where it pays."""
    alone = {s.deal_id: stand_alone(s, model)[0] for s in shipments}
    units, out = units_of(shipments, model)
    total = sum(alone[d] for d in out)

    @cache
    def group_cost(group: tuple[int, ...]) -> float:
        members = [s for k in group for s in units[k]]
        if len(group) == 1 and len(members) == 1:
            return alone[members[0].deal_id]
        if len({s.day for s in members}) > 1:
            return float("inf")
        route = best_route(sorted(members, key=lambda s: s.deal_id), model)
        cost = route.cost if route is not None else float("inf")
        # a group is only ever proposed when it saves: else its units go as they are
        solo = sum(group_cost((k,)) for k in group) if len(group) > 1 else float("inf")
        if len(group) == 1:  # one bundle: its legs together, or each alone
            solo = sum(alone[s.deal_id] for s in members)
        return min(cost, solo)

    best = min(
        sum(group_cost(tuple(sorted(block))) for block in part)
        for part in partitions(list(range(len(units))))
    )
    return total + best
