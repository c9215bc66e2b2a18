"""The one way a view shows a service's refusal: next to a form field, or as a flash message.

Refusals are matched by exception type, never by HTTP code: a ``NotFound`` (another pesantren's
object, or none at all) is raised again so the error handler answers 404; any other
``DomainError`` is shown to the user on the page they came from.
"""

from __future__ import annotations

from flask import flash

from exchange.errors import DomainError, NotFound


def show_refusal(form, error: DomainError) -> None:
    """Put each of the refusal's messages next to the field it names, or above the form."""
    if isinstance(error, NotFound):
        raise error
    for message, name in error.details:
        field = getattr(form, name, None) if name else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, str(message)]
        else:
            form.form_errors.append(str(message))


def flash_refusal(error: DomainError) -> None:
    """Flash the refusal's message (the page redirects back); a NotFound stays a 404."""
    if isinstance(error, NotFound):
        raise error
    flash(str(error.message), "error")
