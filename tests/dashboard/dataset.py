"""A small fixed data set whose figures are computed by hand in the tests (January 2027).

A (Sumenep) and D (Sumenep) sell salt, B (Surabaya) buys it and sells rice back to A, C
(Ponorogo) sells rice to B (cancelled) and buys salt from D (disputed). E (Malang) does nothing.
"""

from __future__ import annotations

from datetime import date

from exchange.dashboard.filters import Filters
from tests.dashboard.factories import at, make_contract, make_dispute
from tests.factories import commodity, make_listing, make_pesantren

JANUARY = Filters(date(2027, 1, 1), date(2027, 1, 31))
TODAY = date(2027, 1, 15)


def load() -> dict:
    a = make_pesantren("Pesantren Alif", regency_code="3529")
    b = make_pesantren("Pesantren Ba", regency_code="3578")
    c = make_pesantren("Pesantren Jim", regency_code="3502")
    d = make_pesantren("Pesantren Dal", regency_code="3529")
    e = make_pesantren("Pesantren Ha", regency_code="3507")
    o1 = make_listing(
        a,
        "offer",
        "garam_krosok",
        quantity=5000,
        remaining=2000,
        price=1400,
        start=date(2027, 1, 1),
        created_at=at(date(2027, 1, 1)),
    )
    o2 = make_listing(
        c,
        "offer",
        "beras",
        quantity=600,
        price=12500,
        grade=1,
        start=date(2026, 12, 1),
        days=90,
        created_at=at(date(2026, 12, 1)),
    )
    r1 = make_listing(
        b,
        "request",
        "garam_krosok",
        quantity=4000,
        remaining=1000,
        price=1800,
        start=date(2027, 1, 2),
        created_at=at(date(2027, 1, 2)),
        max_distance_km=300,
    )
    r2 = make_listing(
        c,
        "request",
        "beras",
        quantity=500,
        price=13500,
        grade=1,
        start=date(2027, 1, 3),
        created_at=at(date(2027, 1, 3)),
    )
    make_contract(a, b, "garam_krosok", 1000, 1500, date(2027, 1, 4), "completed", o1, r1)
    make_contract(a, b, "garam_krosok", 2000, 1600, date(2027, 1, 5), "received", o1, r1)
    make_contract(b, a, "beras", 100, 13000, date(2027, 1, 11), "signed")
    make_contract(c, b, "beras", 500, 12000, date(2027, 1, 12), "cancelled", request=r2)
    disputed = make_contract(d, c, "garam_krosok", 300, 1700, date(2027, 1, 20), "disputed")
    make_dispute(disputed, date(2027, 1, 22))
    make_contract(a, c, "garam_krosok", 999, 1000, date(2026, 12, 20), "completed")  # December
    assert commodity("garam_krosok").reference_price == 1500
    return {
        "a": a.id,
        "b": b.id,
        "c": c.id,
        "d": d.id,
        "e": e.id,
        "r2": r2.id,
        "o2": o2.id,
        "o1": o1.id,
        "r1": r1.id,
    }
