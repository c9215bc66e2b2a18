"""Reciprocal bundles: two sales between the same two pesantren, settled as one net amount.

Not a barter: each leg is its own sale in rupiah with its own contract. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Leg:
    seller_id: int
    buyer_id: int
    total: int


@dataclass(frozen=True)
class Settlement:
    debtor_id: int | None  # who pays the net amount (None: the legs cancel out)
    creditor_id: int | None
    net: int


def legs_are_reciprocal(a: Leg, b: Leg) -> bool:
    return a.seller_id == b.buyer_id and a.buyer_id == b.seller_id and a.seller_id != a.buyer_id


def settle(a: Leg, b: Leg) -> Settlement:
    """Each buyer owes its leg's total; the difference is what one side pays the other."""
    if not legs_are_reciprocal(a, b):
        raise ValueError("the legs of a bundle must run both ways between the same two pesantren")
    # a.buyer owes a.total to a.seller; b.buyer (= a.seller) owes b.total to a.buyer
    net = a.total - b.total
    if net > 0:
        return Settlement(a.buyer_id, a.seller_id, net)
    if net < 0:
        return Settlement(a.seller_id, a.buyer_id, -net)
    return Settlement(None, None, 0)
