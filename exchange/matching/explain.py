"""Explanation of one (offer, request) pair: the figures behind a match, or why there is none.

`explain()` is the single-pair form of the compatibility rule of FORMAT.md format 2, the same rule
as `candidates.block_pairs` (which is tested to agree with it on random instances): listing places
with a fallback to the pesantren, akad intersection, and the minimum quantity per deal.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .candidates import least_quantity
from .geo import radians, road_distance_km
from .model import Commodity, Explanation, Listing, Pesantren, choose_akad


def _overlap(offer: Listing, request: Listing):
    first = max(offer.window_start, request.window_start)
    last = min(offer.window_end, request.window_end)
    return (first, last) if first <= last else None


def place(listing: Listing, pesantren: Pesantren) -> tuple[float, float]:
    """(lat, lon) in degrees where the listing's goods are handed over or wanted: its own place,
    else its pesantren's."""
    if listing.lat is not None and listing.lon is not None:
        return listing.lat, listing.lon
    return pesantren.lat, pesantren.lon


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
        akad=choose_akad(offer.akad, request.akad),
        least_quantity=least_quantity(offer, request),
    )


def explain(
    offer: Listing,
    request: Listing,
    offer_pesantren: Pesantren,
    request_pesantren: Pesantren,
    commodity: Commodity,
    road_factor: float,
) -> Explanation:
    """Explanation of any pair, with `compatible` and the `reasons` it is not (FORMAT.md rules,
    format 2). The distance is between the listings' places (`place()`); `offer_pesantren` and
    `request_pesantren` are the listings' pesantren, used where a listing has no place of its own.
    """
    if offer.side != "offer" or request.side != "request":
        raise ValueError("explain() takes an offer and a request")
    (olat, olon), (rlat, rlon) = place(offer, offer_pesantren), place(request, request_pesantren)
    d = float(
        road_distance_km(
            radians([olat]), radians([olon]), radians([rlat]), radians([rlon]), float(road_factor)
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
    if e.akad is None:
        reasons.append("no akad accepted by both")
    if min(offer.quantity, request.quantity) < e.least_quantity:
        reasons.append(
            f"quantity {min(offer.quantity, request.quantity)} is below the minimum"
            f" {e.least_quantity} per deal"
        )
    if request.max_distance_km is not None and d > request.max_distance_km:
        reasons.append(f"{d:.1f} km is beyond the {request.max_distance_km:g} km limit")
    if e.surplus_per_unit < 0:
        reasons.append("price gap does not cover transport")
    if not reasons:
        return e
    return replace(e, compatible=False, reasons=tuple(reasons))
