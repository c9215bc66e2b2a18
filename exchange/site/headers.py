"""Security headers on every response, set in this one place.

No inline scripts or styles anywhere (templates load ``static/*.js`` and ``style.css``), so the
policy needs no 'unsafe-inline'. Pages that hold contracts or account data, and every answer to
a signed-in reader (pages and downloads alike: a shared phone or a proxy must not keep them),
are never stored by browsers or proxies; static files and visitors' pages stay cacheable.
"""

from __future__ import annotations

from flask import Flask, request, session

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"
# Endpoints whose answers hold a contract or personal data: never cached anywhere.
NO_STORE_ENDPOINTS = ("deals.contract", "deals.contract_pdf")
NO_STORE_BLUEPRINTS = ("auth", "privacy", "api", "api_tokens")


def _no_store() -> bool:
    endpoint = request.endpoint or ""
    if endpoint == "static":
        return False
    if endpoint in NO_STORE_ENDPOINTS or endpoint.split(".", 1)[0] in NO_STORE_BLUEPRINTS:
        return True
    # signed in: Flask-Login keeps the account in the session cookie (no database read here)
    return "_user_id" in session


def init_headers(app: Flask) -> None:
    production = app.config["ENV_NAME"] == "production"

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if production:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if _no_store():
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response
