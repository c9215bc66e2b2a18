"""The plain values the akad rules judge: a deal's terms, its goods, an istisna' stage.

Pure: frozen dataclasses, no Flask, no database. ``deals.akad`` publishes them with its checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

TRANSPORT = ("seller", "buyer")


@dataclass(frozen=True)
class Stage:
    """One payment stage of an istisna' schedule."""

    due: date
    amount: int


@dataclass(frozen=True)
class Terms:
    quantity: int
    unit_price: int
    akad: str
    handover_date: date | None
    handover_place: str = ""
    transport: str = "seller"
    grade: int | None = None
    payment_due_date: date | None = None
    schedule: tuple[Stage, ...] = ()
    cost_price: int | None = None  # murabahah: per unit, stated by the seller
    margin: int | None = None  # murabahah: per unit, stated by the seller
    seller_owns: bool = False  # murabahah: the seller states it owns the goods

    @property
    def disclosure(self) -> tuple[int | None, int | None, bool]:
        """What only the seller states in a murabahah: cost, margin, ownership."""
        return (self.cost_price, self.margin, self.seller_owns)

    @property
    def total(self) -> int:
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class Goods:
    is_food: bool
    is_ribawi: bool = False
    # Istisna' is for goods made to order (the catalogue's ``made_to_order`` flag), nothing else.
    made_to_order: bool = False
    ribawi_class: str | None = None  # "food" or "monetary" when ribawi
