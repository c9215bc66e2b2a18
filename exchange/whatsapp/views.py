"""The account page's WhatsApp actions and the Cloud API's webhook (the one CSRF-exempt route:
Meta's POST carries a signature instead)."""

from __future__ import annotations

import hmac

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from exchange.errors import Invalid
from exchange.extensions import csrf
from exchange.web.refusals import flash_refusal
from exchange.whatsapp import services
from exchange.whatsapp.forms import ChannelsForm, CodeForm, PhoneForm
from exchange.whatsapp.webhook import signature_ok

bp = Blueprint("whatsapp", __name__)


def _back():
    return redirect(url_for("auth.account") + "#whatsapp")


def _flash_form_errors(form) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "error")


def _run(form, action, done: str):
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return _back()
    try:
        action(form)
    except Invalid as exc:
        flash_refusal(exc)
    else:
        flash(done, "info")
    return _back()


@bp.post("/akun/whatsapp/nomor")
@login_required
def send_code():
    return _run(
        PhoneForm(prefix="wp"),
        lambda f: services.send_code(current_user, f.phone.data),
        _("Kode konfirmasi dikirim ke WhatsApp Anda; berlaku 10 menit."),
    )


@bp.post("/akun/whatsapp/kode")
@login_required
def confirm():
    return _run(
        CodeForm(prefix="wc"),
        lambda f: services.confirm(current_user, f.code.data),
        _("Nomor WhatsApp dikonfirmasi."),
    )


@bp.post("/akun/whatsapp/pilihan")
@login_required
def channels():
    return _run(
        ChannelsForm(prefix="wk"),
        lambda f: services.set_preferences(current_user, f.choices()),
        _("Pilihan saluran disimpan."),
    )


@bp.post("/akun/whatsapp/berhenti")
@login_required
def stop():
    return _run(
        FlaskForm(),
        lambda f: services.set_opted_out(current_user, True),
        _("Pesan WhatsApp dihentikan; semua pesan kembali lewat e-mail."),
    )


@bp.post("/akun/whatsapp/lanjut")
@login_required
def resume():
    return _run(
        FlaskForm(),
        lambda f: services.set_opted_out(current_user, False),
        _("Pesan WhatsApp dilanjutkan."),
    )


@bp.post("/akun/whatsapp/hapus")
@login_required
def remove():
    return _run(
        FlaskForm(),
        lambda f: services.remove_number(current_user),
        _("Nomor WhatsApp dihapus."),
    )


# The webhook ---------------------------------------------------------------------------------


@bp.get("/whatsapp/webhook")
def verify():
    """Meta's subscription handshake: echo hub.challenge when hub.verify_token is ours."""
    expected = str(current_app.config.get("WHATSAPP_VERIFY_TOKEN") or "")
    given = request.args.get("hub.verify_token", "")
    if (
        not expected
        or request.args.get("hub.mode") != "subscribe"
        or not hmac.compare_digest(given.encode(), expected.encode())
    ):
        abort(403)
    return request.args.get("hub.challenge", ""), 200, {"Content-Type": "text/plain"}


@bp.post("/whatsapp/webhook")
@csrf.exempt  # signed by X-Hub-Signature-256 instead (Meta cannot hold a CSRF token)
def receive():
    raw = request.get_data(cache=True)
    secret = str(current_app.config.get("WHATSAPP_APP_SECRET") or "")
    if not signature_ok(secret, raw, request.headers.get("X-Hub-Signature-256")):
        abort(403)
    payload = request.get_json(silent=True)
    try:
        services.handle_webhook(payload)
    except Invalid:
        abort(400)
    return "", 200
