"""The domain's refusals, and the handlers that turn errors into friendly pages."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """A refusal by a service: carries a message for the user (already translated or lazy)."""

    status_code = 400
    # The API's problem ``type`` (RFC 9457): a URI a client may branch on (docs/api.md)
    problem_type = "about:blank"

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


class InvalidFields(Invalid):
    """Several refusals at once, each next to its field: a form shows them all in one round."""

    def __init__(self, details: list[tuple]):
        self._details = list(details)
        super().__init__(self._details[0][0], field=self._details[0][1])

    @property
    def details(self) -> list[tuple]:
        return list(self._details)


def collect(problems: list[tuple], check, *args):
    """Run ``check``; an Invalid it raises adds its (message, field) pairs to ``problems``.
    Returns the check's result, or None when it refused."""
    try:
        return check(*args)
    except Invalid as refusal:
        problems.extend(refusal.details)
        return None


class IllegalTransition(DomainError):
    status_code = 409
    problem_type = "/api/v1/problems/wrong-state"
    default_message = _l("Langkah ini tidak dapat dilakukan pada keadaan sekarang.")


class Conflict(DomainError):
    status_code = 409
    problem_type = "/api/v1/problems/changed-meanwhile"
    default_message = _l("Data telah berubah; muat ulang halaman dan coba lagi.")


class RateLimited(DomainError):
    status_code = 429
    default_message = _l(
        "Terlalu banyak permintaan dari perangkat Anda. Tunggu sebentar, lalu coba lagi."
    )


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _wants_json() -> bool:
    return _is_api() or request.path == "/healthz"


# RFC 9457 titles: short, per status, in the reader's language (Accept-Language on the API).
TITLES = {
    400: _l("Permintaan tidak valid"),
    401: _l("Perlu token API"),
    403: _l("Tidak diizinkan"),
    404: _l("Tidak ditemukan"),
    405: _l("Metode tidak diizinkan"),
    409: _l("Bertentangan dengan keadaan sekarang"),
    412: _l("Versi sudah berubah"),
    413: _l("Permintaan terlalu besar"),
    415: _l("Jenis isi tidak didukung"),
    422: _l("Tidak dapat diproses"),
    429: _l("Terlalu banyak permintaan"),
    500: _l("Kesalahan server"),
    503: _l("Layanan sementara tidak tersedia"),
}


def problem(status: int, detail=None, errors=None, headers=None, type_: str = "about:blank"):
    """An ``application/problem+json`` answer (RFC 9457): the API's one error shape."""
    body = {
        "type": type_,
        "title": str(TITLES.get(status, TITLES[400])),
        "status": status,
        "detail": str(detail) if detail is not None else str(TITLES.get(status, TITLES[400])),
    }
    if errors:
        body["errors"] = [{"field": f, "detail": m} for f, m in errors]
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _page(code: int, message=None):
    if _is_api():
        return problem(code, message)
    if _wants_json():
        return jsonify({"error": str(message or code)}), code
    return render_template(f"errors/{code}.html", message=message), code


def render_refusal(error: DomainError):
    """The one mapping from a refusal to a response: problem+json for the API, JSON for the
    health check, else a friendly page."""
    known = (400, 401, 403, 404, 409, 412, 422, 429)
    code = error.status_code if error.status_code in known else 400
    template_code = {409: 400, 401: 403, 412: 400, 422: 400}.get(code, code)
    if _is_api():
        fields = [(name, str(text)) for text, name in error.details if name]
        headers = getattr(error, "headers", None)
        return problem(code, error.message, fields, headers, error.problem_type)
    if _wants_json():
        return jsonify({"error": str(error.message)}), code
    return render_template(f"errors/{template_code}.html", message=error.message), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return render_refusal(error)

    for code in (400, 401, 403, 404, 405, 413, 415, 429):

        @app.errorhandler(code)
        def http_error(error, code=code):
            template_code = code if code in (400, 403, 404, 429) else 400
            if _is_api():
                allowed = getattr(error, "valid_methods", None) if code == 405 else None
                headers = {"Allow": ", ".join(sorted(allowed))} if allowed else None  # RFC 9110
                return problem(code, _http_detail(code), headers=headers)
            if _wants_json():
                return jsonify({"error": getattr(error, "description", str(code))}), code
            return render_template(f"errors/{template_code}.html", message=None), code

    @app.errorhandler(500)
    def server_error(error):
        return _page(500)


def _http_detail(code: int):
    """Werkzeug's English descriptions are not ours: the API says it in the reader's language."""
    return {
        404: _("Alamat ini tidak ada di API, atau objeknya tidak ditemukan."),
        405: _("Metode HTTP ini tidak didukung pada alamat ini."),
        413: _("Isi permintaan terlalu besar."),
        415: _("Kirim isi permintaan sebagai application/json."),
    }.get(code, str(TITLES.get(code, TITLES[400])))
