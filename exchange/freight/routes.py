"""The route of one trip: which order of stops is feasible, and the best one of a small trip.

Pure. A trip's stops are numbered from its shipments: ``2*i`` is shipment i's pick-up, ``2*i+1``
its drop. A route visits each once, every pick-up before its drop, never loads more than the
vehicle carries, serves every stop inside its window (waiting is allowed; the truck leaves its
first stop no earlier than ``day_start_min``) and is back at its first stop by ``day_end_min``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from exchange.freight.costs import CostModel, Point, Shipment, Vehicle, metres, trip_cost

# An exhaustive search is exact and fast up to this many deals (10 stops: 113,400 orders).
EXACT_MAX_DEALS = 5


@dataclass(frozen=True)
class Route:
    vehicle: Vehicle
    order: tuple[int, ...]  # stop numbers, as above; the tour closes back to order[0]
    distance_m: int
    times: tuple[int, ...]  # minute of the day each stop's service starts
    cost: int


def point(shipments: Sequence[Shipment], stop: int) -> Point:
    s = shipments[stop // 2]
    return s.drop if stop % 2 else s.pickup


def window(shipments: Sequence[Shipment], stop: int) -> tuple[int, int]:
    s = shipments[stop // 2]
    return s.drop_window if stop % 2 else s.pickup_window


def distances(shipments: Sequence[Shipment], model: CostModel) -> list[list[int]]:
    """Metres between every two stops of these shipments."""
    pts = [point(shipments, n) for n in range(2 * len(shipments))]
    return [[metres(a, b, model.road_factor) for b in pts] for a in pts]


def walk(order: Sequence[int], shipments, dist, model: CostModel):
    """``(distance_m, max_load_kg, times)`` of a route, or None when it breaks a rule other than
    capacity (order, windows, the day)."""
    if not order or order[0] % 2:
        return None
    seen: set[int] = set()
    load = top = total = 0
    times = []
    t = None
    prev = None
    for stop in order:
        if stop in seen or (stop % 2 and stop - 1 not in seen):
            return None
        opens, closes = window(shipments, stop)
        if prev is None:
            t = max(model.day_start_min, opens)
        else:
            total += dist[prev][stop]
            t = max(t + model.service_min + model.travel_min(dist[prev][stop]), opens)
        if t > closes:
            return None
        times.append(t)
        seen.add(stop)
        load += -shipments[stop // 2].kg if stop % 2 else shipments[stop // 2].kg
        top = max(top, load)
        prev = stop
    if len(seen) != 2 * len(shipments):
        return None
    total += dist[prev][order[0]]
    if t + model.service_min + model.travel_min(dist[prev][order[0]]) > model.day_end_min:
        return None
    return total, top, tuple(times)


def priced(order, shipments, dist, model: CostModel) -> Route | None:
    """The cheapest class for this exact order, or None when the order is not feasible."""
    walked = walk(order, shipments, dist, model)
    if walked is None:
        return None
    distance, top, times = walked
    fits = [v for v in model.vehicles if v.capacity_kg >= top]
    if not fits:
        return None
    stops = len(order)
    v = min(fits, key=lambda v: (trip_cost(distance, stops, v, model), v.capacity_kg, v.code))
    return Route(v, tuple(order), distance, times, trip_cost(distance, stops, v, model))


def best_route(shipments: Sequence[Shipment], model: CostModel, dist=None) -> Route | None:
    """The cheapest feasible route and class for these shipments together (exhaustive: meant for
    at most ``EXACT_MAX_DEALS``); None when no order fits one day and one vehicle."""
    n = 2 * len(shipments)
    dist = dist if dist is not None else distances(shipments, model)
    # Per class: the shortest order whose load fits it (the cost is then distance x rate + stops).
    best: dict[str, tuple[int, tuple[int, ...]]] = {}
    caps = sorted(model.vehicles, key=lambda v: v.capacity_kg)

    def useless(distance: int, top: int) -> bool:
        return all(
            v.code in best and best[v.code][0] <= distance for v in caps if v.capacity_kg >= top
        )

    def extend(order: list[int], t: int, load: int, top: int, distance: int):
        if useless(distance, top):
            return
        if len(order) == n:
            back = dist[order[-1]][order[0]]
            if t + model.service_min + model.travel_min(back) > model.day_end_min:
                return
            for v in caps:
                if v.capacity_kg >= top and (
                    v.code not in best or best[v.code][0] > distance + back
                ):
                    best[v.code] = (distance + back, tuple(order))
            return
        last = order[-1]
        for stop in range(n):
            if stop in order or (stop % 2 and stop - 1 not in order):
                continue
            opens, closes = window(shipments, stop)
            arrive = max(t + model.service_min + model.travel_min(dist[last][stop]), opens)
            if arrive > closes:
                continue
            kg = shipments[stop // 2].kg
            now = load - kg if stop % 2 else load + kg
            order.append(stop)
            extend(order, arrive, now, max(top, now), distance + dist[last][stop])
            order.pop()

    for first in range(0, n, 2):
        opens, closes = window(shipments, first)
        t0 = max(model.day_start_min, opens)
        if t0 <= closes:
            kg = shipments[first // 2].kg
            extend([first], t0, kg, kg, 0)
    routes = [priced(order, shipments, dist, model) for _d, order in best.values()]
    routes = [r for r in routes if r is not None]
    if not routes:
        return None
    return min(routes, key=lambda r: (r.cost, r.distance_m, r.order, r.vehicle.code))
