"""What a truck costs: vehicle classes, a trip's cost, a deal's stand-alone cost and the split.

Pure: no Flask, no database, no clock. Money in whole rupiah (int), distances in whole metres.

- Road distance is the matching engine's: great-circle x road factor (``listings.geo.road_km``).
- A trip is a closed tour: the truck starts at its first pick-up and comes back to it (the empty
  return leg is paid by someone: DOMAIN.md 4.3). Its cost = distance x the class's rate per km
  + a fixed cost per stop (each pick-up and each drop).
- A deal's stand-alone cost: the cheapest class that carries it alone, out and back.
- The split: each deal pays the trip cost in proportion to its stand-alone cost, in whole rupiah
  (largest remainders, ties to the lower deal id), so the shares sum to the trip cost exactly and,
  when the trip costs no more than the sum of stand-alone costs, no share exceeds its deal's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from exchange.listings.policy import road_km


@dataclass(frozen=True)
class Vehicle:
    code: str  # pickup, engkel, truk
    capacity_kg: int
    rate_per_km: int  # rupiah per km driven (loaded or empty)
    source: str = ""  # where the figure comes from, shown beside it


# DOMAIN.md 4.3: classes from Indonesian truck dealers' guides [R]; rates [E] from a wingbox's
# Rp 8.100/km (Jakarta-Surabaya 2015) raised 21-25% by Aptrindo after the Sept 2022 fuel rise.
DEFAULT_VEHICLES = (
    Vehicle("pickup", 1_000, 4_500, "DOMAIN.md 4.3 [E]: pickup 0,5-1,5 t; +21% Aptrindo 2022"),
    Vehicle("engkel", 2_500, 6_500, "DOMAIN.md 4.3 [E]: engkel CDE 2,5-3,5 t; +23% Aptrindo 2022"),
    Vehicle("truk", 8_000, 10_000, "DOMAIN.md 4.3 [R/E]: Rp 8.100/km 2015 (wingbox) +25% 2022"),
)
DEFAULT_STOP_COST = 100_000  # loading and waiting per stop (DOMAIN.md 4.3, [E])


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


@dataclass(frozen=True)
class Shipment:
    """One signed deal's goods: from the seller's place to the buyer's, on its handover day."""

    deal_id: int
    kg: int
    pickup: Point
    drop: Point
    day: date
    # minutes after midnight (WIB) when loading / unloading may happen
    pickup_window: tuple[int, int] = (6 * 60, 20 * 60)
    drop_window: tuple[int, int] = (6 * 60, 20 * 60)
    bundle: int | None = None  # a tied ribawi bundle: its legs travel together or not at all


@dataclass(frozen=True)
class CostModel:
    vehicles: tuple[Vehicle, ...] = DEFAULT_VEHICLES
    stop_cost: int = DEFAULT_STOP_COST
    road_factor: float = 1.3
    speed_kmh: float = 45.0  # average with loading traffic; settings
    service_min: int = 45  # loading or unloading at a stop
    day_start_min: int = 5 * 60  # a shared trip leaves its first stop no earlier
    day_end_min: int = 24 * 60  # and is back by midnight (one day)

    def __post_init__(self):
        if not self.vehicles:
            raise ValueError("at least one vehicle class")

    @property
    def max_capacity(self) -> int:
        return max(v.capacity_kg for v in self.vehicles)

    def vehicle(self, code: str) -> Vehicle:
        return next(v for v in self.vehicles if v.code == code)

    def travel_min(self, metres: int) -> int:
        return round(metres / 1000 / self.speed_kmh * 60)


def metres(a: Point, b: Point, road_factor: float) -> int:
    return round(road_km(a.lat, a.lon, b.lat, b.lon, road_factor) * 1000)


def drive_cost(distance_m: int, vehicle: Vehicle) -> int:
    """Distance x rate in whole rupiah (half up)."""
    return (distance_m * vehicle.rate_per_km + 500) // 1000


def trip_cost(distance_m: int, stops: int, vehicle: Vehicle, model: CostModel) -> int:
    return drive_cost(distance_m, vehicle) + stops * model.stop_cost


def cheapest_fitting(kg: int, model: CostModel, distance_m: int) -> Vehicle | None:
    """The class with the lowest cost for this distance among those that carry ``kg``."""
    fits = [v for v in model.vehicles if v.capacity_kg >= kg]
    if not fits:
        return None
    return min(fits, key=lambda v: (drive_cost(distance_m, v), v.capacity_kg, v.code))


def stand_alone(shipment: Shipment, model: CostModel) -> tuple[int, Vehicle | None]:
    """(cost, vehicle) of carrying the deal alone, out and back. Goods heavier than the largest
    class go in several of it (full loads: nothing to share)."""
    out_back = 2 * metres(shipment.pickup, shipment.drop, model.road_factor)
    vehicle = cheapest_fitting(shipment.kg, model, out_back)
    if vehicle is not None:
        return trip_cost(out_back, 2, vehicle, model), vehicle
    largest = max(model.vehicles, key=lambda v: (v.capacity_kg, v.code))
    loads = -(-shipment.kg // largest.capacity_kg)
    return loads * trip_cost(out_back, 2, largest, model), None


def split(total: int, stand_alones: dict[int, int]) -> dict[int, int]:
    """Each deal's share of ``total``, proportional to its stand-alone cost, in whole rupiah.

    The shares sum to ``total``; with ``total <= sum(stand_alones)`` none exceeds its deal's
    stand-alone cost. Remainders go to the largest fractions, ties to the lower deal id.
    """
    if total < 0 or any(s < 0 for s in stand_alones.values()):
        raise ValueError("costs are never negative")
    whole = sum(stand_alones.values())
    if whole == 0:
        raise ValueError("nothing to split against")
    ids = sorted(stand_alones)
    shares = {i: total * stand_alones[i] // whole for i in ids}
    left = total - sum(shares.values())
    by_fraction = sorted(ids, key=lambda i: (-(total * stand_alones[i] % whole), i))
    for i in by_fraction[:left]:
        shares[i] += 1
    return shares


# Weight of one trade unit in kg [E]: packed goods from their pack sizes (a carton of 24 x
# 600 ml, a dus of 48 x 240 ml cups, a 19 l gallon), cloth and books from typical pieces. A unit
# not listed is not planned (its deals travel as before). A setting (FREIGHT_KG_PER_UNIT).
DEFAULT_KG_PER_UNIT = {
    "kg": 1.0,
    "ton": 1000.0,
    "liter": 1.0,
    "karton": 15.0,
    "dus": 12.0,
    "galon": 20.0,
    "pcs": 0.2,
    "lembar": 0.3,
    "stel": 0.5,
    "eksemplar": 0.5,
    "botol": 0.4,
}


def weight_kg(quantity: int, unit: str, kg_per_unit: dict[str, float]) -> int | None:
    """The goods' weight in whole kg (rounded up), or None when the unit's weight is unknown."""
    per = kg_per_unit.get(unit)
    if per is None:
        return None
    return max(1, -int(-quantity * per // 1))
