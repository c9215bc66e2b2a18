"""Load the reference data shipped with the app: the 38 regencies and the commodity catalogue.

The CSV files live in ``exchange/data/`` (copied from the project's shared domain folder), so
the app needs nothing outside the repository.
"""

from __future__ import annotations

import csv
from importlib import resources

from sqlalchemy import select

from exchange.catalogue.models import Commodity
from exchange.extensions import db
from exchange.pesantren.services import load_regencies


def _rows(name: str) -> list[dict]:
    with resources.files("exchange.data").joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def commodity_rows() -> list[dict]:
    return _rows("commodities.csv")


def load_reference_data(commit: bool = True) -> tuple[int, int]:
    """Insert the regencies and commodities that are missing. Returns how many were added."""
    added_r = load_regencies()  # the pesantren registry's own reference rows
    have_commodities = set(db.session.scalars(select(Commodity.slug)))
    added_c = 0
    for row in commodity_rows():
        if row["slug"] in have_commodities:
            continue
        db.session.add(
            Commodity(
                slug=row["slug"],
                name_id=row["name_id"],
                name_en=row["name_en"],
                category=row["category"],
                unit=row["unit"],
                reference_price=int(row["reference_price"]),
                grades=row["grades"].split(";"),
                transport_cost_per_unit_km=float(row["transport_cost_per_unit_km"]),
                is_food=row["is_food"] == "1",
                is_ribawi=row["is_ribawi"] == "1",
                # Columns added later: a row without them is not ribawi-classed, not to order.
                ribawi_class=(row.get("ribawi_class") or None),
                made_to_order=(row.get("made_to_order") or "0") == "1",
                price_source=row["price_source"][:500],
            )
        )
        added_c += 1
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return added_r, added_c
