"""Explanation of one (offer, request) pair: the figures behind a match, or why there is none."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .geo import radians, road_distance_km
from .model import Commodity, Explanation, Listing, Pesantren


def _overlap(offer: Listing, request: Listing):
    first = max(offer.window_start, request.window_start)
    last = min(offer.window_end, request.window_end)
    return (first, last) if first <= last else None


def explanation(
    offer: Listing, request: Listing, distance_km: float, transport_cost_per_unit: float
) -> Explanation:
    """Explanation of a pair already known compatible, from its distance and transport cost."""
    gap = request.price - offer.price
    return Explanation(
        offer=offer.id,
        request=request.id,
        distance_km=float(distance_km),
        transport_cost_per_unit=float(transport_cost_per_unit),
        price_gap=gap,
        surplus_per_unit=float(np.float64(gap) - np.float64(transport_cost_per_unit)),
        offer_grade=offer.grade,
        request_grade=request.grade,
        window_overlap=_overlap(offer, request),
        max_distance_km=request.max_distance_km,
    )


def explain(
    offer: Listing,
    request: Listing,
    offer_pesantren: Pesantren,
    request_pesantren: Pesantren,
    commodity: Commodity,
    road_factor: float,
) -> Explanation:
    """Explanation of any pair, with `compatible` and the `reasons` it is not (FORMAT.md rules)."""
    if offer.side != "offer" or request.side != "request":
        raise ValueError("explain() takes an offer and a request")
    d = float(
        road_distance_km(
            radians([offer_pesantren.lat]),
            radians([offer_pesantren.lon]),
            radians([request_pesantren.lat]),
            radians([request_pesantren.lon]),
            float(road_factor),
        )[0]
    )
    transport = float(commodity.transport_cost_per_unit_km) * d
    e = explanation(offer, request, d, transport)
    reasons = []
    if offer.commodity != request.commodity:
        reasons.append("different commodity")
    if offer.pesantren == request.pesantren:
        reasons.append("same pesantren")
    if offer.grade < request.grade:
        reasons.append(f"grade {offer.grade} below the {request.grade} requested")
    if e.window_overlap is None:
        reasons.append("windows do not overlap")
    if request.max_distance_km is not None and d > request.max_distance_km:
        reasons.append(f"{d:.1f} km is beyond the {request.max_distance_km:g} km limit")
    if e.surplus_per_unit < 0:
        reasons.append("price gap does not cover transport")
    if not reasons:
        return e
    return replace(e, compatible=False, reasons=tuple(reasons))
