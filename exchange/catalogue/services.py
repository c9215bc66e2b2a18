"""Staff add and edit commodities."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from exchange.audit.services import record
from exchange.auth.permissions import require_staff
from exchange.catalogue import policy
from exchange.catalogue.models import Commodity
from exchange.errors import Invalid, NotFound
from exchange.extensions import db
from exchange.texts import clean_texts

SLUG_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TEXT_LIMITS = {"name_id": 120, "name_en": 120, "category": 40, "unit": 20, "price_source": 500}


def parse_grades(text) -> list[str]:
    """Grades best first, one a line (or separated by ';'). Raises Invalid."""
    if isinstance(text, list):
        text = "\n".join(text)
    grades = [g.strip() for g in re.split(r"[;\n]", text or "") if g.strip()]
    if not grades:
        raise Invalid(_("Tulis paling sedikit satu mutu."), field="grades")
    if len(grades) > 10 or any(len(g) > 30 for g in grades):
        raise Invalid(_("Paling banyak 10 mutu, masing-masing 30 karakter."), field="grades")
    if len({g.lower() for g in grades}) != len(grades):
        raise Invalid(_("Setiap mutu hanya sekali."), field="grades")
    return grades


def _clean(data: dict) -> dict:
    values = clean_texts(data, TEXT_LIMITS, required=("name_id", "name_en", "unit"))
    price = data.get("reference_price")
    if not isinstance(price, int) or price <= 0:
        raise Invalid(_("Harga harus lebih dari nol."), field="reference_price")
    values["reference_price"] = price
    cost = data.get("transport_cost_per_unit_km")
    cost = float(cost) if cost is not None else 2.0
    if cost < 0:
        raise Invalid(_("Tidak boleh negatif."), field="transport_cost_per_unit_km")
    values["transport_cost_per_unit_km"] = cost
    values["grades"] = parse_grades(data.get("grades"))
    values["is_food"] = bool(data.get("is_food"))
    values["is_ribawi"] = bool(data.get("is_ribawi"))
    values["ribawi_class"] = (
        ("food" if values["is_food"] else "monetary") if values["is_ribawi"] else None
    )
    values["made_to_order"] = bool(data.get("made_to_order"))
    values["active"] = bool(data.get("active", True))
    return values


def create_commodity(actor, data: dict) -> Commodity:
    """Raises NotFound (not staff), Invalid (bad input, slug taken)."""
    require_staff(actor)
    slug = (data.get("slug") or "").strip()
    if not SLUG_RE.match(slug):
        raise Invalid(_("Huruf kecil, angka dan _ saja."), field="slug")
    if db.session.scalar(select(Commodity.id).where(Commodity.slug == slug)) is not None:
        raise Invalid(_("Kode ini sudah dipakai komoditas lain."), field="slug")
    commodity = Commodity(slug=slug, **_clean(data))
    db.session.add(commodity)
    db.session.flush()
    record("commodity.created", commodity, actor=actor, slug=slug)
    db.session.commit()
    return commodity


def update_commodity(actor, commodity_id: int, data: dict) -> Commodity:
    """The slug stays. Grades cannot change once listings use them (listings store a rank).

    Raises NotFound, Invalid.
    """
    require_staff(actor)
    commodity = db.session.get(Commodity, commodity_id)
    if commodity is None:
        raise NotFound()
    values = _clean(data)
    if values["grades"] != list(commodity.grades) and policy.grades_in_use(commodity.id):
        raise Invalid(_("Mutu tidak dapat diubah karena sudah dipakai listing."), field="grades")
    changed = sorted(k for k, v in values.items() if getattr(commodity, k) != v)
    for key, value in values.items():
        setattr(commodity, key, value)
    record("commodity.edited", commodity, actor=actor, fields=",".join(changed))
    db.session.commit()
    return commodity
