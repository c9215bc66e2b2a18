"""The home page, the language switch and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from exchange.auth.services import set_locale
from exchange.i18n import LANG_COOKIE
from exchange.listings.caching import visitor_page
from exchange.pesantren.queries import status_counts
from exchange.site.outage import health
from exchange.web.urls import safe_next

bp = Blueprint("site", __name__)


@bp.route("/")
@visitor_page
def index():
    return render_template("site/index.html", counts=status_counts())


@bp.route("/bahasa/<code>", methods=["GET", "POST"])
def set_language(code: str):
    """Remember the reader's language in a cookie.

    Only a POST (a form, with its CSRF token) also changes a signed-in account's saved
    setting: a GET is a link anyone can plant in a page or an image tag.
    """
    target = safe_next(request.values.get("next")) or url_for("site.index")
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANG_COOKIE,
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
        if (
            request.method == "POST"
            and current_user.is_authenticated
            and current_user.locale != code
        ):
            set_locale(current_user, code)
    return response


@bp.route("/healthz")
def healthz():
    """200 when the database answers within HEALTH_TIMEOUT_SECONDS, else 503 at once, with
    the path that said so: ``timeout``, ``pending`` (the last check still waits) or ``error``.

    The check runs on a thread of its own (``site.outage.health``): a hung database holds that
    thread (until the wait deadline), never the request.
    """
    ok, reason = health(current_app._get_current_object())
    if ok:
        return jsonify({"status": "ok"})
    return jsonify({"status": "unavailable", "reason": reason}), 503
