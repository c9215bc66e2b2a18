"""What other domains may ask about the catalogue: the ribawi classes and how grades compare.
Pure: no Flask, no database."""

from __future__ import annotations

from enum import StrEnum


class RibawiClass(StrEnum):
    """Goods of one class are exchanged only hand to hand (DOMAIN.md 7.5)."""

    FOOD = "food"
    MONETARY = "monetary"


def ribawi_group(ribawi_class: str | None, is_food: bool, is_ribawi: bool) -> str | None:
    """The ribawi class the rules use (None: not ribawi); foodstuffs default to food."""
    if not is_ribawi:
        return None
    return ribawi_class or (RibawiClass.FOOD if is_food else RibawiClass.MONETARY)


def grade_satisfies(offered: int, least_accepted: int) -> bool:
    """An offer's grade rank meets a request's least accepted one (higher rank is better)."""
    return offered >= least_accepted


# Whether a commodity's grades are in use (listings store a grade as a rank, so the list may not
# change under them) is the listings' to say. ``create_app`` hands their rule over once
# (``listings.queries.commodity_in_use``), so the catalogue imports no listings.
_grades_in_use: list = []


def register_grades_in_use(rule) -> None:
    """``rule(commodity_id) -> bool``; a second registration replaces the first."""
    _grades_in_use[:] = [rule]


def grades_in_use(commodity_id: int) -> bool:
    if not _grades_in_use:
        raise RuntimeError("the grades-in-use rule is not registered (create_app registers it)")
    return bool(_grades_in_use[0](commodity_id))
