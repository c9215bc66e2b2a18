"""The market's keyword search: every word found somewhere, scored by where it was found."""

from __future__ import annotations

from sqlalchemy import Select, case, func, or_

from exchange.catalogue.models import Commodity
from exchange.db import like_escape
from exchange.listings.models import Listing
from exchange.pesantren.models import Pesantren, Regency

# How much a keyword found in each place weighs: the commodity's exact name first, then a
# part of its name, the pesantren's name, the regency's name and the listing's note.
WEIGHTS = {"exact": 100, "commodity": 40, "pesantren": 20, "regency": 10, "note": 5}
MAX_WORDS = 5


def keywords(text: str | None) -> list[str]:
    """The words of a search, lower-cased, at most MAX_WORDS, each at most 40 characters."""
    return [w[:40] for w in (text or "").lower().split()][:MAX_WORDS]


def _like(term: str) -> str:
    return f"%{like_escape(term)}%"


def keyword_search(stmt: Select, text: str):
    """Keep the listings where every word is found somewhere; score them by where.

    Plain LOWER(...) LIKE with escaping, so it runs the same on SQLite and PostgreSQL. The
    whole phrase equal to a commodity's name (either language) weighs most."""
    words = keywords(text)
    if not words:
        return stmt, None
    stmt = (
        stmt.join(Commodity, Commodity.id == Listing.commodity_id)
        .join(Pesantren, Pesantren.id == Listing.pesantren_id)
        .join(Regency, Regency.code == Pesantren.regency_code)
    )
    phrase = " ".join(words)
    names = (func.lower(Commodity.name_id), func.lower(Commodity.name_en))
    total = case((or_(*(n == phrase for n in names)), WEIGHTS["exact"]), else_=0)
    for word in words:
        pattern = _like(word)
        places = {
            "commodity": or_(*(n.like(pattern, escape="\\") for n in names)),
            "pesantren": func.lower(Pesantren.name).like(pattern, escape="\\"),
            "regency": func.lower(Regency.name).like(pattern, escape="\\"),
            "note": func.lower(Listing.note).like(pattern, escape="\\"),
        }
        stmt = stmt.where(or_(*places.values()))
        for place, found in places.items():
            total = total + case((found, WEIGHTS[place]), else_=0)
    return stmt, total
