"""Committing and returning listing quantity with conditional UPDATEs.

The database enforces the invariant on PostgreSQL and SQLite alike: ``remaining`` only drops by a
single ``UPDATE ... WHERE remaining >= :q``, so two concurrent acceptances can never take the same
units (a CHECK also keeps remaining >= 0). Helpers here flush nothing and never commit: the
calling service owns the transaction.
"""

from __future__ import annotations

from fractions import Fraction

from sqlalchemy import case, update

from exchange.db import utcnow
from exchange.extensions import db
from exchange.listings.models import Listing, ListingStatus


def reserve(listing_id: int, quantity: int) -> bool:
    """Take ``quantity`` from an active listing's remaining. False when not enough remains."""
    if quantity <= 0:
        return False
    new_remaining = Listing.remaining - quantity
    result = db.session.execute(
        update(Listing)
        .where(
            Listing.id == listing_id,
            Listing.status == ListingStatus.ACTIVE,
            Listing.remaining >= quantity,
        )
        .values(
            remaining=new_remaining,
            status=case((new_remaining == 0, ListingStatus.FULFILLED.value), else_=Listing.status),
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    _expire(listing_id)
    return result.rowcount == 1


def release(listing_id: int, quantity: int) -> None:
    """Give ``quantity`` back (a cancelled deal, a short delivery). A fulfilled listing reopens."""
    if quantity <= 0:
        return
    db.session.execute(
        update(Listing)
        .where(Listing.id == listing_id, Listing.remaining + quantity <= Listing.quantity)
        .values(
            remaining=Listing.remaining + quantity,
            status=case(
                (Listing.status == ListingStatus.FULFILLED.value, ListingStatus.ACTIVE.value),
                else_=Listing.status,
            ),
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    _expire(listing_id)


def _expire(listing_id: int) -> None:
    listing = db.session.identity_map.get((Listing, (listing_id,), None))
    if listing is not None:
        db.session.expire(listing)


# Trade units (DOMAIN.md 4.2) ---------------------------------------------------------------------
# Pure: what a quantity in a trade unit is in the commodity's own unit. Listings store the
# commodity's unit; a sack or a head has its size given on the listing (never a fixed 50 kg).

COUNT_UNITS = frozenset({"pcs", "buah", "biji", "lembar", "stel", "eksemplar", "botol", "ekor"})
FIXED = {
    # (trade unit, commodity unit): how many commodity units one trade unit holds
    ("kuintal", "kg"): Fraction(100),
    ("ton", "kg"): Fraction(1000),
    ("tray", "kg"): Fraction(9, 5),  # 30 eggs of about 60 g
    ("galon", "liter"): Fraction(19),
}
COUNTED = {"lusin": 12, "kodi": 20, "gros": 144}
# the size of one (kg per sack, kg live weight per head, litres per can) is given on the listing
SIZED = {"karung": "kg", "sak": "kg", "ekor": "kg", "jeriken": "liter"}
TRADE_UNITS = ("kuintal", "ton", "karung", "sak", "lusin", "kodi", "gros", "tray", "ekor")
TRADE_UNITS += ("jeriken", "galon")


class UnitProblem(ValueError):
    """A quantity that cannot be converted; ``code`` names the reason for the message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def unit_factor(trade_unit: str, unit: str, size: int | None = None) -> Fraction:
    """How many of the commodity's ``unit`` one ``trade_unit`` holds. Raises UnitProblem
    (``unit_mismatch``, ``size_required``)."""
    if not trade_unit or trade_unit == unit:
        return Fraction(1)
    if trade_unit in SIZED:
        if SIZED[trade_unit] != unit:
            raise UnitProblem("unit_mismatch")
        if not size or size <= 0:
            raise UnitProblem("size_required")
        return Fraction(size)
    if trade_unit in COUNTED and unit in COUNT_UNITS:
        return Fraction(COUNTED[trade_unit])
    if (trade_unit, unit) in FIXED:
        return Fraction(FIXED[(trade_unit, unit)])
    raise UnitProblem("unit_mismatch")


def to_commodity_price(price: int, trade_unit: str, unit: str, size: int | None = None) -> int:
    """A price per ``trade_unit`` as a price per the commodity's ``unit``, in whole rupiah
    (rounded half up): Rp 90.000 per 50 kg karung is Rp 1.800 per kg."""
    value = Fraction(price) / unit_factor(trade_unit, unit, size)
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


def to_commodity_unit(quantity: int, trade_unit: str, unit: str, size: int | None = None) -> int:
    """``quantity`` ``trade_unit`` in the commodity's ``unit`` (a whole number). Raises
    UnitProblem: ``unit_mismatch`` (e.g. kodi for rice), ``size_required`` (a sack without its
    size), ``not_whole`` (10 tray is 18 kg; 3 tray is not a whole kg)."""
    if not trade_unit or trade_unit == unit:
        return quantity
    factor = unit_factor(trade_unit, unit, size)
    value = quantity * factor
    if value.denominator != 1:
        raise UnitProblem("not_whole")
    return int(value)
