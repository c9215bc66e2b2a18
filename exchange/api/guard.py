"""Who is calling: the bearer token, its scope and its rate limit, checked before every view.

The API reads no cookie and no session: the acting account is the token's, so a signed-in
browser cannot drive the API (which is why the blueprint may be exempt from CSRF).
"""

from __future__ import annotations

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l

from exchange.api import tokens
from exchange.api.scopes import Scope
from exchange.auth import throttle
from exchange.db import utcnow
from exchange.errors import DomainError, Forbidden, RateLimited

PUBLIC_ENDPOINTS = {"api.openapi", "api.docs", "api.docs_asset"}


class Unauthorized(DomainError):
    status_code = 401
    default_message = _l(
        "Kirim token API yang masih berlaku di header Authorization: Bearer <token>."
    )
    headers = {"WWW-Authenticate": 'Bearer realm="bursa-pesantren"'}


class ScopeMissing(Forbidden):
    problem_type = "/api/v1/problems/scope-missing"

    def __init__(self, scope: Scope):
        super().__init__(
            _l("Token ini tidak mencakup tindakan ini; perlu cakupan %(scope)s.", scope=scope.value)
        )


class TooManyRequests(RateLimited):
    default_message = _l("Terlalu banyak permintaan dari pesantren ini. Tunggu sebentar.")

    def __init__(self, headers: dict[str, str]):
        self.headers = headers
        super().__init__()


def needs(scope: Scope):
    """Mark a view with the scope its token must hold (put it below ``spec.validate``)."""

    def mark(view):
        view.api_scope = scope
        return view

    return mark


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    kind, _space, value = header.partition(" ")
    return value.strip() if kind.lower() == "bearer" else None


def check_request() -> None:
    """Authenticate, check the scope, count the request. Raises Unauthorized, ScopeMissing,
    TooManyRequests."""
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return
    token = tokens.authenticate(_bearer())
    if token is None:
        raise Unauthorized()
    view = current_app.view_functions.get(request.endpoint)
    scope = getattr(view, "api_scope", Scope.READ)
    if scope not in token.scope_set:
        raise ScopeMissing(scope)
    g.api_token, g.api_user = token, token.user
    tokens.touch(token)
    limit, window = (
        int(current_app.config["API_RATE_LIMIT"]),
        int(current_app.config["API_RATE_WINDOW"]),
    )
    # One budget per pesantren, whatever the number of its tokens (a staff token: its account)
    budget = f"p{token.pesantren_id}" if token.pesantren_id else f"u{token.user_id}"
    count, ends = throttle.hit("api", budget, window, utcnow())  # commits
    reset = max(1, int((ends - utcnow()).total_seconds()))
    g.api_rate = {
        "RateLimit-Policy": f'"pesantren";q={limit};w={window}',
        "RateLimit": f'"pesantren";r={max(0, limit - count)};t={reset}',
    }
    if count > limit:
        raise TooManyRequests({**g.api_rate, "Retry-After": str(reset)})


def add_rate_headers(response):
    for name, value in (getattr(g, "api_rate", None) or {}).items():
        response.headers.setdefault(name, value)
    return response


def acting_user():
    """The account the current request acts for (set by ``check_request``)."""
    return g.api_user
