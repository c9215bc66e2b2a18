"""The home page, the language switch and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import text

from exchange.auth.views import safe_next
from exchange.extensions import db
from exchange.i18n import LANG_COOKIE

bp = Blueprint("site", __name__)


@bp.route("/")
def index():
    from exchange.pesantren.queries import status_counts

    return render_template("site/index.html", counts=status_counts())


@bp.route("/bahasa/<code>")
def set_language(code: str):
    """Remember the reader's language: a cookie, and the account's setting when signed in."""
    target = safe_next(request.args.get("next")) or url_for("site.index")
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
        if current_user.is_authenticated and current_user.locale != code:
            from exchange.auth.services import set_locale

            set_locale(current_user, code)
    return response


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        db.session.rollback()
        return jsonify({"status": "unavailable"}), 503
    return jsonify({"status": "ok"})
