"""My digest on the site, one-click unsubscribe, the frequency preference, failed mail."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from exchange.auth.permissions import staff_required
from exchange.digests import services
from exchange.digests.builder import share_text, whatsapp_link
from exchange.digests.forms import PreferencesForm
from exchange.digests.periods import PERIODS
from exchange.digests.queries import failed_mail
from exchange.digests.tokens import read_unsubscribe_token
from exchange.errors import Invalid
from exchange.extensions import csrf, db
from exchange.web.refusals import show_refusal

bp = Blueprint("digests", __name__, url_prefix="/ringkasan")


@bp.route("/")
@login_required
def show():
    period = request.args.get("periode") or current_user.digest_frequency
    if period not in PERIODS:
        period = "daily"
    digest = services.digest_for(current_user, period)
    share = whatsapp_link(share_text(digest))
    return render_template("digests/show.html", digest=digest, period=period, share_url=share)


@bp.route("/berhenti/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the protection; RFC 8058 one-click POSTs carry no CSRF token
def unsubscribe(token: str):
    """GET only asks (mail scanners follow links); POST unsubscribes, including one-click."""
    if request.method == "POST":
        user = services.unsubscribe(token)
        return render_template("digests/unsubscribed.html", user=user)
    if read_unsubscribe_token(token) is None:
        abort(404)
    return render_template("digests/unsubscribe.html", token=token)


@bp.route("/pengaturan", methods=["GET", "POST"])
@login_required
def preferences():
    form = PreferencesForm(frequency=current_user.digest_frequency)
    if form.validate_on_submit():
        try:
            services.set_frequency(current_user, form.frequency.data)
        except Invalid as exc:
            show_refusal(form, exc)
        else:
            flash(_("Pilihan ringkasan disimpan."), "info")
            return redirect(url_for("digests.preferences"))
    status = 400 if form.errors else 200
    return render_template("digests/preferences.html", form=form), status


@bp.route("/gagal")
@staff_required
def failures():
    pagination = db.paginate(failed_mail(), per_page=50)
    return render_template("digests/failures.html", pagination=pagination)
