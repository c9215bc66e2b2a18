"""The domain's refusals, and the handlers that turn errors into friendly pages."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """A refusal by a service: carries a message for the user (already translated or lazy)."""

    status_code = 400

    def __init__(self, message=None, field: str | None = None):
        self.message = message if message is not None else self.default_message
        self.field = field
        super().__init__(str(self.message))

    @property
    def details(self) -> list[tuple]:
        """``(message, field)`` pairs for the form; a refusal with several reasons lists them."""
        return [(self.message, self.field)]

    default_message = _l("Permintaan tidak dapat diproses.")


class NotFound(DomainError):
    status_code = 404
    default_message = _l("Halaman tidak ditemukan.")


class Forbidden(DomainError):
    status_code = 403
    default_message = _l("Anda tidak berhak melakukan ini.")


class Invalid(DomainError):
    status_code = 400
    default_message = _l("Data tidak valid.")


class IllegalTransition(DomainError):
    status_code = 409
    default_message = _l("Langkah ini tidak dapat dilakukan pada keadaan sekarang.")


class Conflict(DomainError):
    status_code = 409
    default_message = _l("Data telah berubah; muat ulang halaman dan coba lagi.")


class RateLimited(DomainError):
    status_code = 429
    default_message = _l(
        "Terlalu banyak permintaan dari perangkat Anda. Tunggu sebentar, lalu coba lagi."
    )


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _page(code: int, message=None):
    if _wants_json():
        return jsonify({"error": str(message or code)}), code
    return render_template(f"errors/{code}.html", message=message), code


def render_refusal(error: DomainError):
    """The one mapping from a refusal to a response: JSON for the API, else a friendly page."""
    code = error.status_code if error.status_code in (400, 403, 404, 409, 429) else 400
    template_code = {409: 400}.get(code, code)
    if _wants_json():
        return jsonify({"error": str(error.message)}), code
    return render_template(f"errors/{template_code}.html", message=error.message), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return render_refusal(error)

    for code in (400, 403, 404, 405, 413, 429):

        @app.errorhandler(code)
        def http_error(error, code=code):
            template_code = code if code in (400, 403, 404, 429) else 400
            if _wants_json():
                return jsonify({"error": getattr(error, "description", str(code))}), code
            return render_template(f"errors/{template_code}.html", message=None), code

    @app.errorhandler(500)
    def server_error(error):
        return _page(500)
