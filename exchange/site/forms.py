"""Form helpers every domain can use: stripping, refusing HTML, showing a service's refusal."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

_TAG = re.compile(r"<\s*[a-zA-Z/!?]")


def strip(value):
    """A WTForms filter: trim the spaces phones like to add."""
    return value.strip() if isinstance(value, str) else value


def looks_like_html(value: str | None) -> bool:
    return bool(value and _TAG.search(value))


class NoHTML:
    """Refuse text that contains HTML tags (plain text only, shown escaped anyway)."""

    message = _l("Tulis teks biasa, tanpa tag HTML.")

    def __call__(self, form, field):
        if isinstance(field.data, str) and looks_like_html(field.data):
            raise ValidationError(str(self.message))


def show_error(form, error) -> None:
    """Put a DomainError's message next to its field, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        if not isinstance(field.errors, list):
            field.errors = list(field.errors)
        field.errors.append(str(error.message))
    else:
        form.form_errors.append(str(error.message))


def status_for(form) -> int:
    """200 for a fresh form, 400 when it is shown again with errors."""
    return 400 if form.errors else 200
