"""Group a day's shipments into shared trips: OR-tools' routing solver (pick-ups and drops,
capacity, time windows), then each trip priced exactly and kept only when it saves.

Pure (no Flask, no database, no clock of its own: OR-tools stops at ``time_limit_s``).

The model, one per handover day:
- every shareable deal is a pick-up and a drop (same vehicle, pick-up first); a tied ribawi
  bundle (DOMAIN.md 7.5) is one unit: both legs on the same vehicle, so never split across trips
  (nor days: its legs share the handover date, and a bundle whose legs do not is left out);
- each unit brings one vehicle of each class that carries it, based at its first pick-up (a
  trip is a closed tour: the truck comes back to where it started, so a back-haul between
  reciprocal partners is found by the solver, not by a rule); serving a unit alone on its own
  vehicle is always feasible, and that is the starting solution;
- arc cost = metres x the vehicle's rate + the fixed cost of the stop arrived at.
A deal is left out (it travels as before) when it is heavier than the largest class or cannot
be served alone within one day's windows. A found trip is re-routed exactly when small
(``routes.EXACT_MAX_DEALS``) and proposed only when it costs less than its deals' stand-alone
costs together, so nobody pays more than alone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from exchange.freight.costs import CostModel, Shipment, metres, split, stand_alone
from exchange.freight.grouping import ALL_SUBSETS_UNITS, choose, subsets
from exchange.freight.routes import EXACT_MAX_DEALS, Route, best_route, distances, priced


@dataclass(frozen=True)
class Trip:
    day: date
    shipments: tuple[Shipment, ...]  # in deal id order; the route's stops number them
    route: Route
    stand_alone: dict[int, int]  # deal id -> its stand-alone cost
    shares: dict[int, int]  # deal id -> its share of route.cost

    @property
    def deal_ids(self) -> tuple[int, ...]:
        return tuple(s.deal_id for s in self.shipments)

    @property
    def saving(self) -> int:
        return sum(self.stand_alone.values()) - self.route.cost


@dataclass(frozen=True)
class Plan:
    trips: tuple[Trip, ...]
    alone: tuple[int, ...]  # deal ids that travel as before
    stand_alone: dict[int, int]  # every shipment's stand-alone cost

    @property
    def cost_alone(self) -> int:
        return sum(self.stand_alone.values())

    @property
    def cost_planned(self) -> int:
        shared = {d for t in self.trips for d in t.deal_ids}
        rest = sum(c for d, c in self.stand_alone.items() if d not in shared)
        return rest + sum(t.route.cost for t in self.trips)


def units_of(shipments: list[Shipment], model: CostModel) -> tuple[list[tuple], list[int]]:
    """Shareable units (tuples of shipments, a bundle's legs together) and the deals left out."""
    by_bundle: dict[int, list[Shipment]] = defaultdict(list)
    units, out = [], []
    for s in shipments:
        if s.bundle is None:
            units.append((s,))
        else:
            by_bundle[s.bundle].append(s)
    for legs in by_bundle.values():
        if len(legs) == 2 and legs[0].day == legs[1].day:
            units.append(tuple(sorted(legs, key=lambda s: s.deal_id)))
        else:
            out.extend(s.deal_id for s in legs)
    keep = []
    for unit in units:
        if all(s.kg <= model.max_capacity for s in unit) and best_route(unit, model) is not None:
            keep.append(unit)
        else:
            out.extend(s.deal_id for s in unit)
    keep.sort(key=lambda u: u[0].deal_id)
    return keep, sorted(out)


def solve_day(
    units: list[tuple], model: CostModel, time_limit_s: float, dist=None
) -> list[list[tuple]]:
    """OR-tools over one day's units: the vehicles' stops, each ``(shipment, is_drop)``."""
    ships = [s for u in units for s in u]
    n = len(ships)
    index_of = {s.deal_id: i for i, s in enumerate(ships)}
    dist = dist if dist is not None else distances(ships, model)  # ships in units' order
    # Nodes: the 2n stops, then one depot per unit (at its first pick-up).
    depots = [2 * index_of[u[0].deal_id] for u in units]
    node_point = list(range(2 * n)) + depots  # node -> the stop whose place it is
    vehicles = [(k, v) for k, u in enumerate(units) for v in model.vehicles]
    vehicles = [(k, v) for k, v in vehicles if v.capacity_kg >= max(s.kg for s in units[k])]
    starts = [2 * n + k for k, _v in vehicles]
    manager = pywrapcp.RoutingIndexManager(2 * n + len(units), len(vehicles), starts, starts)
    routing = pywrapcp.RoutingModel(manager)

    nodes = 2 * n + len(units)
    metres_between = [
        [dist[node_point[a]][node_point[b]] for b in range(nodes)] for a in range(nodes)
    ]
    matrices = {}
    for v in model.vehicles:  # the cost of arriving at b from a: driving + the stop at b
        matrices[v.code] = routing.RegisterTransitMatrix(
            [
                [
                    metres_between[a][b] * v.rate_per_km // 1000
                    + (model.stop_cost if b < 2 * n else 0)
                    for b in range(nodes)
                ]
                for a in range(nodes)
            ]
        )
    for number, (_k, v) in enumerate(vehicles):
        routing.SetArcCostEvaluatorOfVehicle(matrices[v.code], number)
    demand = [(-ships[x // 2].kg if x % 2 else ships[x // 2].kg) for x in range(2 * n)]
    routing.AddDimensionWithVehicleCapacity(
        routing.RegisterUnaryTransitVector(demand + [0] * len(units)),
        0,
        [v.capacity_kg for _k, v in vehicles],
        True,
        "load",
    )
    minutes = [
        [
            (model.service_min if a < 2 * n else 0) + model.travel_min(metres_between[a][b])
            for b in range(nodes)
        ]
        for a in range(nodes)
    ]
    routing.AddDimension(
        routing.RegisterTransitMatrix(minutes), 24 * 60, model.day_end_min, False, "time"
    )
    time = routing.GetDimensionOrDie("time")
    for node in range(2 * n):
        s = ships[node // 2]
        opens, closes = s.drop_window if node % 2 else s.pickup_window
        time.CumulVar(manager.NodeToIndex(node)).SetRange(opens, closes)
    for number in range(len(vehicles)):
        time.CumulVar(routing.Start(number)).SetMin(model.day_start_min)
        time.CumulVar(routing.End(number)).SetMax(model.day_end_min)
    solver = routing.solver()
    for i in range(n):
        p, d = manager.NodeToIndex(2 * i), manager.NodeToIndex(2 * i + 1)
        routing.AddPickupAndDelivery(p, d)
        solver.Add(routing.VehicleVar(p) == routing.VehicleVar(d))
        solver.Add(time.CumulVar(p) <= time.CumulVar(d))
    for u in units:
        for other in u[1:]:
            a = manager.NodeToIndex(2 * index_of[u[0].deal_id])
            b = manager.NodeToIndex(2 * index_of[other.deal_id])
            solver.Add(routing.VehicleVar(a) == routing.VehicleVar(b))

    # Start: each unit alone on its own cheapest vehicle, in its best order.
    initial = [[] for _ in vehicles]
    for k, u in enumerate(units):
        route = best_route(u, model)
        number = next(j for j, (kk, v) in enumerate(vehicles) if kk == k and v == route.vehicle)
        initial[number] = [2 * index_of[u[stop // 2].deal_id] + stop % 2 for stop in route.order]
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    params.solution_limit = 100 + 10 * n  # a count, not the clock, ends a normal run
    start = routing.ReadAssignmentFromRoutes(initial, True)
    solution = routing.SolveFromAssignmentWithParameters(start, params) if start else None
    solution = solution or start
    if solution is None:
        return [_alone_stops(u) for u in units]
    groups = []
    for number in range(len(vehicles)):
        index = solution.Value(routing.NextVar(routing.Start(number)))
        stops = []
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            stops.append((ships[node // 2], bool(node % 2)))
            index = solution.Value(routing.NextVar(index))
        if stops:
            groups.append(stops)
    return groups


def _alone_stops(unit) -> list[tuple]:
    return [(s, drop) for s in unit for drop in (False, True)]


def near_pairs(units: list[tuple], model: CostModel) -> list[tuple[int, int]]:
    """Pairs of units worth pricing on a busy day: going the same way (pick-ups near each other
    and drops near each other) or a back-haul (each one's drop near the other's pick-up), near
    meaning within the longer of the two deals' own distances."""
    f = model.road_factor
    first = [u[0] for u in units]
    own = [metres(s.pickup, s.drop, f) for s in first]
    out = []
    for a in range(len(units)):
        for b in range(a + 1, len(units)):
            x, y = first[a], first[b]
            reach = max(own[a], own[b])
            same = metres(x.pickup, y.pickup, f) + metres(x.drop, y.drop, f)
            back = metres(x.drop, y.pickup, f) + metres(y.drop, x.pickup, f)
            if min(same, back) <= reach:
                out.append((a, b))
    return out


def make_trip(group, route: Route, alone: dict[int, int]) -> Trip:
    costs = {s.deal_id: alone[s.deal_id] for s in group}
    return Trip(group[0].day, tuple(group), route, costs, split(route.cost, costs))


def plan(shipments: list[Shipment], model: CostModel, time_limit_s: float = 30.0) -> Plan:
    """Shared trips for these shipments (any days). The same input gives the same plan unless
    the time limit cuts OR-tools short on a busy day."""
    shipments = sorted(shipments, key=lambda s: s.deal_id)
    alone = {s.deal_id: stand_alone(s, model)[0] for s in shipments}
    units, _out = units_of(shipments, model)
    by_day: dict[date, list[tuple]] = defaultdict(list)
    for u in units:
        by_day[u[0].day].append(u)
    trips: list[Trip] = []
    for day in sorted(by_day):
        # OR-tools gets half the limit, shared by the days; pricing the small groups the rest
        trips.extend(plan_day(by_day[day], model, alone, time_limit_s / 2 / len(by_day)))
    shared = {d for t in trips for d in t.deal_ids}
    trips.sort(key=lambda t: (t.day, t.deal_ids))
    return Plan(tuple(trips), tuple(sorted(set(alone) - shared)), alone)


def plan_day(units: list[tuple], model: CostModel, alone: dict[int, int], budget: float):
    """One day's trips: OR-tools' and the exactly priced small groups, chosen by the MIP."""
    unit_alone = [sum(alone[s.deal_id] for s in u) for u in units]
    priced_groups: dict[tuple[int, ...], Route] = {}
    day = [s for u in units for s in u]
    place = {s.deal_id: i for i, s in enumerate(day)}
    day_dist = distances(day, model)  # once per day; each group reads its rows

    def sub(group) -> list[list[int]]:
        stops = [2 * place[s.deal_id] + x for s in group for x in (0, 1)]
        return [[day_dist[a][b] for b in stops] for a in stops]

    def consider(ks: tuple[int, ...], stops=None):
        group = sorted((s for k in ks for s in units[k]), key=lambda s: s.deal_id)
        if len(group) <= EXACT_MAX_DEALS:
            route = best_route(group, model, sub(group), limit=sum(unit_alone[k] for k in ks))
        else:
            number = {s.deal_id: i for i, s in enumerate(group)}
            order = [2 * number[s.deal_id] + drop for s, drop in stops]
            route = priced(order, group, sub(group), model)
        if route is not None and route.cost < sum(unit_alone[k] for k in ks):
            priced_groups[ks] = route

    for k, u in enumerate(units):  # a bundle's legs together: a trip of its own
        if len(u) > 1:
            consider((k,))
    sizes = [len(u) for u in units]
    if len(units) > 1:
        if len(units) <= ALL_SUBSETS_UNITS:
            for ks in subsets(sizes, EXACT_MAX_DEALS):
                consider(ks)
        else:
            for ks in subsets(sizes, EXACT_MAX_DEALS, near_pairs=near_pairs(units, model)):
                consider(ks)
            pairs = [ks for ks in priced_groups if len(ks) == 2]
            for ks in subsets(sizes, EXACT_MAX_DEALS, pairs):
                consider(ks)
        unit_of = {s.deal_id: k for k, u in enumerate(units) for s in u}
        for stops in solve_day(units, model, budget, day_dist):
            ks = tuple(sorted({unit_of[s.deal_id] for s, _drop in stops}))
            if ks not in priced_groups and (len(ks) > 1 or sizes[ks[0]] > 1):
                consider(ks, stops)
    chosen = choose(unit_alone, {ks: r.cost for ks, r in priced_groups.items()})
    trips = []
    for ks in chosen:
        group = sorted((s for k in ks for s in units[k]), key=lambda s: s.deal_id)
        trips.append(make_trip(group, priced_groups[ks], alone))
    return trips
