"""Where a listing's goods are, in words (issue 27): the pesantren and its regency, or the place
the manager named, near the regency seat closest to its point; coordinates only as a map link."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from exchange.extensions import db
from exchange.listings.geo import great_circle_km
from exchange.pesantren.models import Regency


def nearest_regency(lat: float, lon: float) -> Regency | None:
    """The regency (or city) whose seat is nearest the point (the regency data's coordinates
    are the seats'); ties by code."""
    regencies = db.session.scalars(select(Regency).order_by(Regency.code)).all()
    return min(
        regencies, key=lambda r: (great_circle_km(lat, lon, r.lat, r.lon), r.code), default=None
    )


def has_own_place(listing) -> bool:
    p = listing.pesantren
    return (listing.lat, listing.lon) != (p.lat, p.lon)


def place_words(listing) -> str:
    """``Pondok Pesantren X, Kab. Sampang`` at the pesantren; ``Gudang Tandes, dekat Kota
    Surabaya`` at a place of its own (``Lokasi listing #12, dekat ...`` for one stored before
    places had names)."""
    p = listing.pesantren
    if not has_own_place(listing):
        return f"{p.name}, {p.regency.short_name}"
    name = (listing.place_name or "").strip() or _("Lokasi listing #%(id)s", id=listing.id)
    near = nearest_regency(listing.lat, listing.lon)
    if near is None:
        return name
    return _("%(place)s, dekat %(regency)s", place=name, regency=near.short_name)


def map_url(lat: float, lon: float) -> str:
    """The point on OpenStreetMap: the coordinates are for the map, not for reading."""
    return (
        f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=15/{lat:.5f}/{lon:.5f}"
    )
