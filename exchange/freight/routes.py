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


def best_route(
    shipments: Sequence[Shipment], model: CostModel, dist=None, limit: int | None = None
) -> Route | None:
    """The cheapest feasible route and class for these shipments together (exhaustive: meant for
    at most ``EXACT_MAX_DEALS``); None when no order fits one day and one vehicle, or, with
    ``limit``, none costs less than it."""
    n = 2 * len(shipments)
    dist = dist if dist is not None else distances(shipments, model)
    caps = sorted(model.vehicles, key=lambda v: (v.capacity_kg, v.code))
    # Per class: the shortest order whose load fits it (the cost is then distance x rate + stops).
    best: list[tuple[int, tuple[int, ...]] | None] = [None] * len(caps)
    # The cheapest rate among the classes that carry at least a load: a bound on any completion.
    cheapest = [min(v.rate_per_km for v in caps[i:]) for i in range(len(caps))]
    stops_cost = n * model.stop_cost
    minutes = [[model.travel_min(d) for d in row] for row in dist]
    change = [(-shipments[x // 2].kg if x % 2 else shipments[x // 2].kg) for x in range(n)]
    windows = [window(shipments, x) for x in range(n)]
    service, day_end, full = model.service_min, model.day_end_min, (1 << n) - 1

    sizes = [v.capacity_kg for v in caps]
    fitting: dict[int, int | None] = {}

    def smallest(top: int) -> int | None:
        if top not in fitting:
            fitting[top] = next((i for i, c in enumerate(sizes) if c >= top), None)
        return fitting[top]

    def extend(order: list[int], seen: int, t: int, load: int, top: int, distance: int):
        first = smallest(top)
        if first is None:
            return
        held = best[first]
        if held is not None and held[0] <= distance:
            return  # every class that carries this load has a route as short already
        if limit is not None and (distance * cheapest[first] + 500) // 1000 + stops_cost >= limit:
            return
        last = order[-1]
        if seen == full:
            back = dist[last][order[0]]
            if t + service + minutes[last][order[0]] > day_end:
                return
            for i in range(first, len(caps)):
                if best[i] is None or best[i][0] > distance + back:
                    best[i] = (distance + back, tuple(order))
            return
        for stop in range(n):
            bit = 1 << stop
            if seen & bit or (stop % 2 and not seen & (bit >> 1)):
                continue
            opens, closes = windows[stop]
            arrive = max(t + service + minutes[last][stop], opens)
            if arrive > closes:
                continue
            now = load + change[stop]
            order.append(stop)
            extend(order, seen | bit, arrive, now, max(top, now), distance + dist[last][stop])
            order.pop()

    for start in range(0, n, 2):
        opens, closes = windows[start]
        t0 = max(model.day_start_min, opens)
        if t0 <= closes:
            kg = change[start]
            extend([start], 1 << start, t0, kg, kg, 0)
    routes = [priced(order, shipments, dist, model) for held in best if held for order in [held[1]]]
    routes = [r for r in routes if r is not None and (limit is None or r.cost < limit)]
    if not routes:
        return None
    return min(routes, key=lambda r: (r.cost, r.distance_m, r.order, r.vehicle.code))
