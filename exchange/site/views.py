"""The home page, the language switch and the health check."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import text

from exchange.auth.services import set_locale
from exchange.extensions import db
from exchange.i18n import LANG_COOKIE
from exchange.listings.caching import visitor_page
from exchange.pesantren.queries import status_counts
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


class _HealthCheck:
    """One small thread pool per app and process (made lazily, so after gunicorn's fork)."""

    def __init__(self):
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz")
        self.last: Future | None = None


def _ping(app) -> None:
    with app.app_context(), db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


@bp.route("/healthz")
def healthz():
    """200 when the database answers within HEALTH_TIMEOUT_SECONDS, else 503 at once.

    The check runs on one worker thread of its own: a hung database holds that thread (until
    the connect or statement timeout), never the request; checks meanwhile answer 503.
    """
    app = current_app._get_current_object()
    check = app.extensions.setdefault("healthz", _HealthCheck())
    unavailable = jsonify({"status": "unavailable"}), 503
    if check.last is not None and not check.last.done():
        return unavailable  # the last check still hangs
    check.last = check.pool.submit(_ping, app)
    try:
        check.last.result(timeout=float(app.config["HEALTH_TIMEOUT_SECONDS"]))
    except Exception:  # noqa: BLE001 - any database failure or delay means "not healthy"
        return unavailable
    return jsonify({"status": "ok"})
