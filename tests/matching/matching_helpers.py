"""Builders shared by the matching tests (no Flask, no database)."""

from __future__ import annotations

from datetime import date, timedelta

from exchange.matching.model import AKAD_CODES, Commodity, Instance, Listing, Pesantren

BASE = date(2027, 1, 1)
GARAM = Commodity("garam_krosok", "kg", 2.0, 3)
BERAS = Commodity("beras", "kg", 2.0, 2)
# Two pesantren one degree of longitude apart on the equator: 111.195 km, 144.55 km by road.
PES = (
    Pesantren("P1", "3529", 0.0, 0.0),
    Pesantren("P2", "3529", 0.0, 1.0),
    Pesantren("P3", "3529", 0.0, 0.5),
)


def day(n: int) -> date:
    return BASE + timedelta(days=n)


def listing(
    id,
    side,
    pes="P1",
    commodity="garam_krosok",
    grade=1,
    quantity=100,
    price=1000,
    window=(0, 10),
    max_distance_km=None,
    akad=AKAD_CODES,
    place=None,
    min_quantity=None,
) -> Listing:
    return Listing(
        id,
        side,
        pes,
        commodity,
        grade,
        quantity,
        price,
        day(window[0]),
        day(window[1]),
        max_distance_km,
        tuple(akad),
        *(place or (None, None)),
        min_quantity,
    )


def instance(
    *listings, road_factor=1.3, commodities=(GARAM, BERAS), pesantren=PES, format_version=1
) -> Instance:
    return Instance(
        road_factor, tuple(commodities), tuple(pesantren), tuple(listings), format_version
    )
