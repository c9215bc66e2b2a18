"""Plain-text checks services apply to what people type (no HTML, length limits)."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from exchange.errors import Invalid

_TAG = re.compile(r"<\s*[a-zA-Z/!?]")


def looks_like_html(value: str | None) -> bool:
    return bool(value and _TAG.search(value))


def clean_texts(data: dict, limits: dict[str, int], required: tuple[str, ...] = ()) -> dict:
    """Strip the text fields, check their length and that they hold no HTML; for services.

    Raises Invalid naming the field, so the form shows the message next to it.
    """
    values = {}
    for name, limit in limits.items():
        text = (data.get(name) or "").strip()
        if len(text) > limit:
            raise Invalid(_("Maksimal %(n)d karakter.", n=limit), field=name)
        if looks_like_html(text):
            raise Invalid(_("Tulis teks biasa, tanpa tag HTML."), field=name)
        values[name] = text
    for name in required:
        if not values[name]:
            raise Invalid(_("Wajib diisi."), field=name)
    return values
