"""What makes a listing valid. Pure: plain values in, a list of problems out (no Flask, no
database, no clock: ``today`` is given). ``messages.py`` turns each problem into a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from exchange.akad import AKAD_ORDER, Akad
from exchange.listings.policy import (
    LAT_RANGE,
    LON_RANGE,
    MAX_DISTANCE_KM,
    MAX_QUANTITY,
    MAX_UNIT_PRICE,
    Side,
)

SIDES = tuple(Side)
# Istisna' is a contract for made-to-order goods only (DOMAIN.md section 7.2): the catalogue
# marks the goods that may be made to order (``Commodity.made_to_order``) and the listing says
# whether it is (a custom label, tailoring: ``ListingInput.made_to_order``).
MADE_TO_ORDER_ONLY = frozenset({Akad.ISTISNA})


@dataclass(frozen=True)
class Limits:
    """Sane upper bounds; each is a setting (``LISTING_MAX_QUANTITY`` and so on)."""

    max_quantity: int = MAX_QUANTITY
    max_price: int = MAX_UNIT_PRICE
    max_distance_km: float = MAX_DISTANCE_KM
    max_note: int = 1000
    max_window_days: int = 366
    max_halal: int = 40
    max_place_name: int = 200
    # The place must lie in or near East Java (Masalembu in the north, the Kangean isles east).
    lat_range: tuple[float, float] = LAT_RANGE
    lon_range: tuple[float, float] = LON_RANGE


@dataclass(frozen=True)
class CommodityFacts:
    slug: str
    grades: tuple[str, ...]
    is_food: bool
    made_to_order: bool = False


@dataclass(frozen=True)
class ListingInput:
    side: str
    commodity: str
    quantity: int | None
    grade: str
    price: int | None
    window_start: date | None
    window_end: date | None
    lat: float | None = None
    lon: float | None = None
    max_distance_km: float | None = None
    akad: tuple[str, ...] = ()
    note: str = ""
    min_quantity: int | None = None  # least quantity of one deal; None: no minimum
    halal_cert: str = ""
    client_token: str | None = None
    place_name: str = ""  # the place in words; required when the place is not the pesantren's
    made_to_order: bool = False  # made to this order (custom label, tailoring)


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    params: dict = field(default_factory=dict)


def check(
    inp: ListingInput,
    commodity: CommodityFacts | None,
    today: date,
    limits: Limits = Limits(),
    previous_start: date | None = None,
) -> list[Problem]:
    """Every problem with the input, at most one per field. ``previous_start``: when editing,
    the listing's current first day may stay in the past."""
    problems: list[Problem] = []
    add = problems.append
    if inp.side not in SIDES:
        add(Problem("side", "side"))
    if commodity is None:
        add(Problem("commodity", "commodity_unknown"))
    _check_whole(inp.quantity, "quantity", limits.max_quantity, add)
    _check_whole(inp.price, "price", limits.max_price, add)
    _check_min_quantity(inp, add)
    if commodity is not None and inp.grade not in commodity.grades:
        add(Problem("grade", "grade", {"grades": ", ".join(commodity.grades)}))
    _check_window(inp, today, limits, previous_start, add)
    _check_place(inp, limits, add)
    if inp.side == "request" and inp.max_distance_km is not None:
        if inp.max_distance_km <= 0:
            add(Problem("max_distance_km", "distance_positive"))
        elif inp.max_distance_km > limits.max_distance_km:
            add(Problem("max_distance_km", "distance_max", {"max": limits.max_distance_km}))
    _check_akad(inp.akad, commodity, add, inp.made_to_order)
    if len(inp.note or "") > limits.max_note:
        add(Problem("note", "too_long", {"max": limits.max_note}))
    if len(inp.client_token or "") > 64:  # the column's width; a tampered form
        add(Problem("client_token", "too_long", {"max": 64}))
    if len(inp.halal_cert or "") > limits.max_halal:
        add(Problem("halal_cert", "too_long", {"max": limits.max_halal}))
    return problems


def _check_whole(value, name, maximum, add) -> None:
    if value is None:
        add(Problem(name, "required"))
    elif value <= 0:
        add(Problem(name, "positive"))
    elif value > maximum:
        add(Problem(name, f"{name}_max", {"max": maximum}))


def _check_min_quantity(inp, add) -> None:
    """Optional; when given, a positive whole number not above the listing's quantity."""
    if inp.min_quantity is None:
        return
    if inp.min_quantity <= 0:
        add(Problem("min_quantity", "positive"))
    elif inp.quantity is not None and 0 < inp.quantity < inp.min_quantity:
        add(Problem("min_quantity", "min_quantity_max", {"max": inp.quantity}))


def _check_window(inp, today, limits, previous_start, add) -> None:
    start, end = inp.window_start, inp.window_end
    if start is None:
        add(Problem("window_start", "required"))
    elif start < today and start != previous_start:
        add(Problem("window_start", "start_past"))
    if end is None:
        add(Problem("window_end", "required"))
    elif start is not None and end < start:
        add(Problem("window_end", "end_before_start"))
    elif end < today:
        add(Problem("window_end", "end_past"))
    elif start is not None and (end - start).days + 1 > limits.max_window_days:
        add(Problem("window_end", "window_long", {"max": limits.max_window_days}))


def place_problems(
    inp: ListingInput, home: tuple[float, float], limits: Limits = Limits()
) -> list[Problem]:
    """A place of its own (coordinates other than the pesantren's ``home``) needs its name or
    address: contracts print the place in words, never bare coordinates."""
    name = (inp.place_name or "").strip()
    if len(name) > limits.max_place_name:
        return [Problem("place_name", "too_long", {"max": limits.max_place_name})]
    own = inp.lat is not None and inp.lon is not None and (inp.lat, inp.lon) != home
    if own and not name:
        return [Problem("place_name", "place_name_required")]
    return []


def _check_place(inp, limits, add) -> None:
    if inp.lat is None or inp.lon is None:
        return  # the pesantren's own coordinates
    lo, hi = limits.lat_range
    if not lo <= inp.lat <= hi:
        add(Problem("lat", "place"))
    lo, hi = limits.lon_range
    if not lo <= inp.lon <= hi:
        add(Problem("lon", "place"))


def _check_akad(akad, commodity, add, made_to_order: bool = False) -> None:
    if not akad:
        add(Problem("akad", "akad_required"))
    elif any(a not in AKAD_ORDER for a in akad):
        add(Problem("akad", "akad_unknown"))
    elif (
        commodity is not None
        and not (commodity.made_to_order and made_to_order)
        and MADE_TO_ORDER_ONLY.intersection(akad)
    ):
        add(Problem("akad", "istisna_made_to_order"))


def halal_applies(side: str, commodity: CommodityFacts | None) -> bool:
    """The halal certificate number is asked for foodstuffs offered."""
    return side == "offer" and commodity is not None and commodity.is_food


# Reference prices (HET/HAP, DOMAIN.md 4.1): a warning, never a refusal. A government ceiling
# (HET/HAP) warns at the ceiling itself; an estimate only when far from it.
PRICE_HIGH = 1.2  # more than 20 % above an estimated reference price
PRICE_LOW = 0.5  # less than half of it

# Ceilings that differ by grade (the catalogue's reference price is the lowest grade's).
# Beras, HET Zona I: Keputusan Kepala Bapanas No. 299/2025 (from 22 Aug 2025).
GRADE_CEILINGS = {"beras": {"Premium": 14_900}}


def price_ceiling(slug: str, grade: str, reference: int | None) -> int | None:
    """The reference price for ``grade``: its own ceiling where one is set, else the
    commodity's reference price."""
    return GRADE_CEILINGS.get(slug, {}).get(grade, reference)


def price_warning(price: int | None, reference: int | None, ceiling: bool = False) -> str | None:
    """``above_ceiling`` when a price is above a government ceiling (``ceiling``);
    ``price_high`` / ``price_low`` when it is far from an estimated reference price."""
    if not price or not reference or price <= 0:
        return None
    if ceiling and price > reference:
        return "above_ceiling"
    if not ceiling and price > reference * PRICE_HIGH:
        return "price_high"
    if price < reference * PRICE_LOW:
        return "price_low"
    return None


def is_official_reference(price_source: str) -> bool:
    """The reference price is a government ceiling or reference (HET/HAP/HPP)."""
    return any(word in (price_source or "") for word in ("HET", "HAP", "HPP"))
