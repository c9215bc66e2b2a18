from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from exchange.auth import services
from exchange.auth.forms import LoginForm, RegisterForm
from exchange.auth.throttle import client_key
from exchange.errors import Invalid
from exchange.web.forms import status_for
from exchange.web.refusals import show_refusal
from exchange.web.urls import safe_next

bp = Blueprint("auth", __name__, url_prefix="/akun")


def home_for(user) -> str:
    """Where a user lands after signing in without a `next`: managers see their dashboard,
    staff and admins the staff dashboard."""
    if getattr(user, "is_manager", False):
        return url_for("dashboard.home")
    if getattr(user, "is_staff", False):
        return url_for("staff.dashboard")
    return url_for("site.index")


@bp.route("/masuk", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user, failures = services.authenticate(
                form.email.data, form.password.data, client_key()
            )
        except Invalid as exc:
            show_refusal(form, exc)
        else:
            login_user(user, remember=form.remember.data)
            if failures:
                flash(
                    _(
                        "Sejak Anda terakhir masuk, ada %(n)d percobaan masuk dengan kata sandi "
                        "salah pada akun ini.",
                        n=failures,
                    ),
                    "warning",
                )
            return redirect(safe_next(request.args.get("next")) or home_for(user))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 400


@bp.route("/keluar", methods=["POST"])
@login_required
def logout():
    # Server-side: every cookie made for this account (session and remember-me) stops working.
    services.end_sessions(current_user._get_current_object())
    logout_user()
    flash(_("Anda telah keluar."), "info")
    return redirect(url_for("site.index"))


@bp.route("/daftar", methods=["GET", "POST"])
def register():
    """A cooperative manager registers themselves and their pesantren."""
    if current_user.is_authenticated:
        return redirect(url_for("site.index"))
    form = RegisterForm()
    valid = form.validate_on_submit()
    csrf = getattr(form, "csrf_token", None)
    if form.is_submitted() and not valid and not (csrf is not None and csrf.errors):
        # The service's own checks too, so every problem shows in this one round.
        problems = services.registration_problems(
            form.user_name.data,
            form.password.data,
            form.nspp.data,
            form.registry_data(),
        )
        for message, name in problems:
            field = getattr(form, name, None)
            if field is not None and not field.errors:
                field.errors = [str(message)]
    if valid:
        try:
            _user, warnings = services.register_manager(
                form.user_name.data,
                form.email.data,
                form.password.data,
                form.nspp.data,
                form.registry_data(),
                client=client_key(),
            )
        except Invalid as exc:
            show_refusal(form, exc)
        else:
            # The same answer whether the address was new or already had an account (then
            # nothing was made and its owner was mailed): no signing in here, the mail says how.
            for warning in warnings:
                flash(warning, "warning")
            flash(
                _(
                    "Pendaftaran diterima. Kami mengirim e-mail ke alamat itu. Masuk dengan "
                    "e-mail dan kata sandi Anda; staf OPOP akan memverifikasi pesantren Anda."
                ),
                "info",
            )
            return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form), status_for(form)


from exchange.auth import account_views  # noqa: E402, F401 - registers its routes on bp
