"""The commodity catalogue: what can be traded, in which unit and grades."""

from __future__ import annotations

from sqlalchemy import JSON, Float, String
from sqlalchemy.orm import Mapped, mapped_column

from exchange.catalogue import policy
from exchange.db import intpk, rupiah, str120
from exchange.extensions import db


class Commodity(db.Model):
    __tablename__ = "commodities"

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name_id: Mapped[str120]
    name_en: Mapped[str120]
    category: Mapped[str] = mapped_column(String(40), default="")
    unit: Mapped[str] = mapped_column(String(20))
    # Quality grades, best first: ["K1", "K2", "K3"]. A listing stores a grade *rank*
    # (higher is better, as the matching engine wants): rank = len(grades) - index.
    grades: Mapped[list] = mapped_column(JSON, default=list)
    reference_price: Mapped[rupiah]
    price_source: Mapped[str] = mapped_column(String(500), default="")
    transport_cost_per_unit_km: Mapped[float] = mapped_column(Float, default=2.0)
    # DOMAIN.md section 7: the conservative default treats every foodstuff as ribawi (food class)
    is_ribawi: Mapped[bool] = mapped_column(default=False)
    # "food" or "monetary" (DOMAIN.md 7.5): goods of one class are exchanged only hand to hand
    ribawi_class: Mapped[str | None] = mapped_column(String(20))
    is_food: Mapped[bool] = mapped_column(default=False)
    # Made to order (batik, sarung, uniforms, printed kitab, custom-label water): istisna' only
    made_to_order: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def ribawi_group(self) -> str | None:
        """The ribawi class the rules use (None: not ribawi); foodstuffs default to "food"."""
        return policy.ribawi_group(self.ribawi_class, self.is_food, self.is_ribawi)

    def name(self, locale: str = "id") -> str:
        return self.name_en if locale == "en" else self.name_id

    def grade_rank(self, label: str) -> int:
        return len(self.grades) - self.grades.index(label)

    def grade_label(self, rank: int) -> str:
        return self.grades[len(self.grades) - rank]

    def grade_choices(self) -> list[tuple[int, str]]:
        return [(self.grade_rank(g), g) for g in self.grades]
