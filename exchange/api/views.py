"""The API blueprint: the token check around every view, the OpenAPI document and its docs page.

The read and write endpoints live in read_views.py and write_views.py (imported at the end).
"""

from __future__ import annotations

from importlib import resources

from flask import Blueprint, Response, abort, g, jsonify, render_template

from exchange.api import guard, idempotency, versions
from exchange.api.spec import document
from exchange.extensions import csrf
from exchange.site.headers import CSP

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens, never cookies, authenticate the API (guard.py): a forged cross-site form
# carries no token and is refused with 401 before any view runs, so CSRF tokens add nothing.
csrf.exempt(bp)

# Swagger UI, as the offapi package ships it (no CDN: the server and its users are offline).
ASSETS = {
    "swagger-ui.css": ("swagger_style.css", "text/css"),
    "swagger-ui-bundle.js": ("swagger_bundle.js", "text/javascript"),
    "swagger-ui-standalone-preset.js": ("swagger_preset.js", "text/javascript"),
}


@bp.before_request
def authenticate():
    guard.check_request()
    versions.check_if_match()  # before the key is claimed: a stale write leaves it free
    return idempotency.replay()


@bp.after_request
def finish(response):
    response = versions.tag(response)
    idempotency.remember(response)
    if link := g.get("api_link"):
        response.headers["Link"] = link
    if response.status_code in (201, 202) and (location := g.get("api_location")):
        # what was created (or the deal it is on); for a 202, where to follow the work
        response.headers["Location"] = location
    return guard.add_rate_headers(response)


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())


# Swagger UI adds one inline style of its own: allowed on this page alone, by its hash.
DOCS_CSP = CSP.replace(
    "style-src 'self'", "style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='"
)


@bp.get("/docs")
def docs():
    response = Response(render_template("api/docs.html"), mimetype="text/html")
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


@bp.get("/docs/assets/<name>")
def docs_asset(name: str):
    if name not in ASSETS:
        abort(404)
    filename, mimetype = ASSETS[name]
    body = (resources.files("offapi") / filename).read_bytes()
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


from exchange.api import (  # noqa: E402, F401 - routes on bp
    account_views,
    answer_views,
    batch_views,
    bundle_views,
    document_views,
    feed_views,
    job_views,
    me_views,
    pool_views,
    read_views,
    registry_views,
    standing_views,
    trip_views,
    webhook_views,
    write_views,
)
