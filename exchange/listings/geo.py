"""Distances between places, as the matching engine measures them. Pure: no Flask, no database.

Road distance = great-circle (haversine, Earth radius 6371.0088 km) x ROAD_FACTOR (FORMAT.md).

For filtering and sorting by distance inside SQL (on SQLite, which has no trigonometry, as well
as on PostgreSQL) every listing also stores its place as a point on the unit sphere
(``unit_vector``). The squared straight-line (chord) distance between two such points is plain
arithmetic, and it grows strictly with the great-circle distance, so ``chord2 <= limit`` selects
exactly the places within a given distance and ``ORDER BY chord2`` is exactly the distance order.
"""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def road_km(lat1: float, lon1: float, lat2: float, lon2: float, road_factor: float) -> float:
    """The distance the matching engine uses: great-circle times the road factor."""
    return great_circle_km(lat1, lon1, lat2, lon2) * road_factor


def unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    """The place as a point on the unit sphere (x, y, z)."""
    p, lam = math.radians(lat), math.radians(lon)
    return (math.cos(p) * math.cos(lam), math.cos(p) * math.sin(lam), math.sin(p))


def chord2_limit(max_road_km: float, road_factor: float) -> float:
    """The squared unit-sphere chord that corresponds to ``max_road_km`` of road distance."""
    angle = min(math.pi, max_road_km / road_factor / EARTH_RADIUS_KM)
    return (2 * math.sin(angle / 2)) ** 2


def chord2(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    return sum((p - q) ** 2 for p, q in zip(a, b, strict=True))


def bounding_box(
    lat: float, lon: float, max_road_km: float, road_factor: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    """A latitude and a longitude range that hold every place within ``max_road_km`` (a little
    more: it is a prefilter for an index, the exact test is the chord)."""
    angle = math.degrees(max_road_km / road_factor / EARTH_RADIUS_KM) * 1.001 + 1e-9
    widest = min(89.0, abs(lat) + angle)
    dlon = min(180.0, angle / math.cos(math.radians(widest)))
    return (lat - angle, lat + angle), (lon - dlon, lon + dlon)
