"""The 38 regencies of East Java, shipped with the app in ``exchange/data/regencies.csv``."""

from __future__ import annotations

import csv
from importlib import resources

from sqlalchemy import select

from exchange.extensions import db
from exchange.pesantren.models import Regency


def regency_rows() -> list[dict]:
    with resources.files("exchange.data").joinpath("regencies.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load_regencies() -> int:
    """Add the regencies that are missing (flushes, does not commit). Returns how many."""
    have = set(db.session.scalars(select(Regency.code)))
    added = 0
    for row in regency_rows():
        if row["code"] in have:
            continue
        db.session.add(
            Regency(
                code=row["code"],
                name=row["name"],
                kind=row["kind"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
            )
        )
        added += 1
    db.session.flush()
    return added
