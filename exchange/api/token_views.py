"""The account page's API tokens: make one (shown once), revoke one."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional

from exchange.api import tokens
from exchange.api.scopes import Scope, allowed_scopes
from exchange.errors import Invalid
from exchange.events import delivery
from exchange.events.models import DeliveryStatus, EventKind
from exchange.listings.forms import CheckboxesField
from exchange.web.forms import options
from exchange.web.refusals import show_refusal

bp = Blueprint("api_tokens", __name__, url_prefix="/akun/token")

SCOPE_LABELS = {
    Scope.READ: _l("Baca (pasar, usulan, transaksi, notifikasi)"),
    Scope.LISTINGS: _l("Listing (pasang, ubah, tarik)"),
    Scope.DEALS: _l("Transaksi (tawar, setujui, bayar, kirim, terima, nilai)"),
    Scope.STAFF: _l("Staf (angka dan arus perdagangan)"),
    Scope.ACCOUNT: _l("Akun (saluran pesan: e-mail, WhatsApp)"),
}


class TokenForm(FlaskForm):
    name = StringField(_l("Nama token"), validators=[Length(max=120)])
    scopes = CheckboxesField(_l("Cakupan"), choices=[])
    expires_on = DateField(
        _l("Berlaku sampai (kosongkan: sampai dicabut)"), validators=[Optional()]
    )


def token_form(user) -> TokenForm:
    form = TokenForm(prefix="t")
    form.scopes.choices = options((s.value, SCOPE_LABELS[s]) for s in allowed_scopes(user.is_staff))
    return form


EVENT_KIND_LABELS = {
    EventKind.DEAL: _l("Kesepakatan"),
    EventKind.LISTING: _l("Listing"),
    EventKind.PROPOSAL: _l("Usulan"),
    EventKind.KLIRING: _l("Kliring"),
    EventKind.NOTIFICATION: _l("Notifikasi"),
}
WEBHOOK_STATUS_LABELS = {
    DeliveryStatus.PENDING: _l("Menunggu dikirim ulang"),
    DeliveryStatus.DELIVERED: _l("Terkirim"),
    DeliveryStatus.GIVEN_UP: _l("Dihentikan setelah sehari"),
}


@bp.app_template_global("api_token_section")
def token_section(user) -> dict:
    """What the account page shows: the live tokens and the form (a template global)."""
    if not tokens.may_hold_tokens(user):
        return {"allowed": False}
    pesantren_id = getattr(user, "pesantren_id", None)
    return {
        "allowed": True,
        "tokens": tokens.tokens_of(user),
        "form": token_form(user),
        "webhook": delivery.endpoint_of(pesantren_id),
        "deliveries": delivery.deliveries_of(pesantren_id, limit=20),
        "status_labels": WEBHOOK_STATUS_LABELS,
        "kind_labels": EVENT_KIND_LABELS,
    }


@bp.post("/")
@login_required
def create():
    form = token_form(current_user)
    if form.validate_on_submit():
        try:
            token, plaintext = tokens.create_token(
                current_user, form.name.data, form.scopes.data, form.expires_on.data
            )
        except Invalid as exc:
            show_refusal(form, exc)
        else:
            # Shown once, on this page (never in a flash cookie), and never stored in clear.
            return render_template("api/token_created.html", token=token, plaintext=plaintext)
    flash(
        " ".join(str(e) for errs in form.errors.values() for e in errs)
        or _("Periksa isian token."),
        "error",
    )
    return redirect(url_for("auth.account", _anchor="token-api"))


@bp.post("/<int:token_id>/cabut")
@login_required
def revoke(token_id: int):
    token = tokens.revoke_token(current_user, token_id)
    flash(_("Token %(name)s dicabut.", name=token.name), "info")
    return redirect(url_for("auth.account", _anchor="token-api"))
