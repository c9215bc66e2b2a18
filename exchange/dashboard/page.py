"""A dashboard page as data, and the helpers every page builder uses."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import get_locale
from markupsafe import Markup

from exchange.dashboard import queries
from exchange.dashboard.tables import Table


@dataclass
class Page:
    key: str
    tables: list[Table] = field(default_factory=list)
    charts: dict[str, Markup] = field(default_factory=dict)
    facts: dict[str, object] = field(default_factory=dict)

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)


def safe(svg_text: str) -> Markup:
    # svg.py escapes every piece of text it draws
    return Markup(svg_text)  # noqa: S704  # nosec B704


def regency_names() -> dict[str, str]:
    return {r.code: r.short_name for r in queries.regencies()}


def locale_name() -> str:
    """Commodity names in the reader's language (the catalogue has both)."""
    return str(get_locale() or "id")
