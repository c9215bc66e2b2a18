"""A small fixed data set whose figures are computed by hand in the tests (January 2027), built
through the services under frozen clocks (tests/dashboard/factories.py).

A (Sumenep) and D (Sumenep) sell salt, B (Surabaya) buys it and sells rice back to A, C
(Ponorogo) sells rice to B (cancelled) and buys salt from D (disputed). E (Malang) does nothing.
Listings posted in January: A's salt offer o1 (1 Jan), B's salt request r1 (2 Jan), B's rice
request r2 (3 Jan), B's rice offer for A (9 Jan, all sold) and D's salt offer for C (17 Jan,
all sold); C's rice offer o2 was posted in December, as was A's offer for its December sale.
"""

from __future__ import annotations

from datetime import date

from exchange import clock
from exchange.dashboard.filters import Filters
from tests.dashboard.factories import at, make_contract
from tests.factories import commodity, make_listing, make_manager

JANUARY = Filters(date(2027, 1, 1), date(2027, 1, 31))
TODAY = date(2027, 1, 15)


def _listing(owner, day: date, *args, **kw):
    with clock.frozen(at(day)):
        return make_listing(owner, *args, start=day, **kw)


def load() -> dict:
    a, b, c, d, e = (
        make_manager(regency_code=code, name=name).pesantren
        for name, code in (
            ("Pesantren Alif", "3529"),
            ("Pesantren Ba", "3578"),
            ("Pesantren Jim", "3502"),
            ("Pesantren Dal", "3529"),
            ("Pesantren Ha", "3507"),
        )
    )
    o1 = _listing(a, date(2027, 1, 1), "offer", "garam_krosok", quantity=5000, price=1400)
    o2 = _listing(c, date(2026, 12, 1), "offer", "beras", quantity=600, price=12500, grade=1,
                  days=90)  # fmt: skip
    r1 = _listing(b, date(2027, 1, 2), "request", "garam_krosok", quantity=4000, price=1800,
                  max_distance_km=300)  # fmt: skip
    r2 = _listing(b, date(2027, 1, 3), "request", "beras", quantity=500, price=13500, grade=1)
    # 1 and 2: 48 h and 72 h after the later listing (r1, 2 Jan); o1 and r1 keep 2000 and 1000.
    make_contract(a, b, "garam_krosok", 1000, 1500, date(2027, 1, 4), "completed", o1, r1)
    make_contract(a, b, "garam_krosok", 2000, 1600, date(2027, 1, 5), "received", o1, r1)
    # 3 and 5: their offers were posted 48 h and 72 h before signing.
    make_contract(b, a, "beras", 100, 13000, date(2027, 1, 11), "signed", posted=date(2027, 1, 9))
    # 4: C answers B's rice request; cancelled, so r2 is whole again.
    make_contract(c, b, "beras", 500, 12000, date(2027, 1, 12), "cancelled", request=r2)
    # 5: disputed on 22 January (shipped the 21st).
    make_contract(d, c, "garam_krosok", 300, 1700, date(2027, 1, 20), "disputed",
                  posted=date(2027, 1, 17))  # fmt: skip
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
