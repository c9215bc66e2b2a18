"""The account page, password change and reset, and the admin's staff accounts."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from exchange.auth import passwords, services
from exchange.auth.forms import ForgotForm, PasswordForm, ResetForm, SettingsForm, StaffAccountForm
from exchange.auth.permissions import admin_required
from exchange.auth.throttle import client_key
from exchange.auth.views import bp
from exchange.errors import Invalid
from exchange.web.forms import status_for
from exchange.web.refusals import flash_refusal, show_refusal
from exchange.whatsapp import services as whatsapp
from exchange.whatsapp.forms import ChannelsForm, CodeForm, PhoneForm
from exchange.whatsapp.policy import Kind, choice


def _account_page(settings=None, password=None):
    settings = settings or SettingsForm(prefix="s", obj=current_user)
    password = password or PasswordForm(prefix="p", formdata=None)
    code = 400 if settings.errors or password.errors else 200
    return render_template(
        "auth/account.html", settings=settings, password=password, whatsapp=_whatsapp_panel()
    ), code


def _whatsapp_panel() -> dict:
    """What the page's WhatsApp card shows: the channel, the number's state, the forms."""
    contact = whatsapp.contact_of(current_user)
    preferences = whatsapp.target(current_user).preferences
    channels = ChannelsForm(prefix="wk", formdata=None, data=_channel_data(preferences))
    return {
        "on": whatsapp.channel_on(),
        "contact": contact,
        "phone_form": PhoneForm(prefix="wp", formdata=None),
        "code_form": CodeForm(prefix="wc", formdata=None),
        "channels": channels,
    }


def _channel_data(preferences: dict) -> dict:
    return {k.value: choice(preferences, k).value for k in Kind}


@bp.route("/", methods=["GET", "POST"])
@login_required
def account():
    form = SettingsForm(prefix="s", obj=current_user)
    if form.validate_on_submit():
        try:
            services.update_settings(current_user, form.locale.data, form.digest_frequency.data)
        except Invalid as exc:
            show_refusal(form, exc)
        else:
            flash(_("Pengaturan disimpan."), "info")
            return redirect(url_for("auth.account"))
    return _account_page(settings=form)


@bp.post("/kata-sandi")
@login_required
def change_password():
    form = PasswordForm(prefix="p")
    if form.validate_on_submit():
        try:
            passwords.change_password(current_user, form.current.data, form.password.data)
        except Invalid as exc:
            show_refusal(form, exc)
        else:
            # The session version changed: sign this session in again, the others are out.
            login_user(
                current_user._get_current_object(), remember="remember_token" in request.cookies
            )
            flash(_("Kata sandi diganti. Sesi di perangkat lain telah dikeluarkan."), "info")
            return redirect(url_for("auth.account"))
    return _account_page(password=form)


@bp.route("/lupa-sandi", methods=["GET", "POST"])
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        passwords.request_reset(form.email.data, client_key())
        flash(
            _(
                "Bila alamat itu terdaftar, kami telah mengirim tautan untuk mengatur ulang kata "
                "sandi. Periksa kotak masuk e-mail Anda."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), status_for(form)


def _choose_password(token: str, template: str, done: str):
    """A one-time link's page: choose a password, then sign in (a reset or an invitation)."""
    if passwords.reset_for_token(token) is None:
        return render_template("auth/reset_invalid.html"), 404
    form = ResetForm()
    if form.validate_on_submit():
        try:
            passwords.reset_password(token, form.password.data)
        except Invalid as exc:
            show_refusal(form, exc)
        else:
            flash(done, "info")
            return redirect(url_for("auth.login"))
    return render_template(template, form=form), status_for(form)


@bp.route("/atur-ulang/<token>", methods=["GET", "POST"])
def reset(token: str):
    return _choose_password(token, "auth/reset.html", _("Kata sandi baru disimpan. Silakan masuk."))


@bp.route("/undangan/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """An invited manager chooses their password (the link staff's import sent)."""
    return _choose_password(
        token, "auth/invitation.html", _("Kata sandi disimpan. Silakan masuk dengan e-mail Anda.")
    )


@bp.route("/staf", methods=["GET", "POST"])
@admin_required
def staff_accounts():
    form = StaffAccountForm()
    if form.validate_on_submit():
        try:
            services.create_staff(current_user, form.name.data, form.email.data, form.password.data)
        except Invalid as exc:
            show_refusal(form, exc)
        else:
            flash(_("Akun staf dibuat."), "info")
            return redirect(url_for("auth.staff_accounts"))
    return render_template(
        "auth/staff_accounts.html", form=form, accounts=services.staff_accounts()
    ), status_for(form)


@bp.post("/staf/<int:user_id>/nonaktifkan")
@admin_required
def deactivate_staff(user_id: int):
    return _set_active(user_id, False)


@bp.post("/staf/<int:user_id>/aktifkan")
@admin_required
def activate_staff(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    try:
        user = services.set_staff_active(current_user, user_id, active)
    except Invalid as exc:
        flash_refusal(exc)
    else:
        if not active:
            flash(_("Akun %(email)s dinonaktifkan.", email=user.email), "info")
        else:
            flash(_("Akun %(email)s diaktifkan.", email=user.email), "info")
    return redirect(url_for("auth.staff_accounts"))
