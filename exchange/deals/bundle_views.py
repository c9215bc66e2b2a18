"""Tying two deals into a reciprocal bundle, and untying it (asked, or agreed after a GET
that asks once). Routes on the deals blueprint; the rules are in ``reciprocal``."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from exchange.deals import reciprocal, visibility
from exchange.deals.forms import BundleForm
from exchange.deals.views import bp
from exchange.errors import DomainError
from exchange.web.refusals import flash_refusal


@bp.post("/<int:deal_id>/ikat")
@login_required
def tie_bundle(deal_id: int):
    """Tie this deal with one running the other way into a reciprocal bundle."""
    visibility.party_deal(current_user, deal_id)  # strangers: 404, staff: 403
    form = BundleForm()
    if not form.validate_on_submit():
        flash(_("Permintaan tidak sah; muat ulang halaman lalu coba lagi."), "error")
        return redirect(url_for("deals.detail", deal_id=deal_id))
    try:
        reciprocal.tie_bundle(current_user, deal_id, int(form.other_deal_id.data))
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(_("Kedua kesepakatan diikat sebagai kesepakatan timbal balik."), "success")
    return redirect(url_for("deals.detail", deal_id=deal_id))


@bp.route("/<int:deal_id>/paket/lepas", methods=["GET", "POST"])
@login_required
def untie_bundle(deal_id: int):
    """Ask to untie the bundle, or agree when the other side asked. GET asks once: agreeing
    unties the two deals for good."""
    deal = visibility.party_deal(
        current_user, deal_id
    )  # strangers: 404, staff: 403; CSRF: the extension
    if request.method == "GET":
        back = url_for("deals.detail", deal_id=deal.id)
        return render_template(
            "site/confirm.html",
            title=_("Setujui pelepasan paket"),
            question=_("Lepaskan paket timbal balik kesepakatan #%(n)d?", n=deal.id),
            consequence=_(
                "Kedua kesepakatan berjalan sendiri-sendiri lagi, masing-masing dibayar penuh; "
                "ini tidak dapat diurungkan."
            ),
            action=url_for("deals.untie_bundle", deal_id=deal.id),
            button=_("Setujui pelepasan paket"),
            back=back,
        )
    try:
        kept = reciprocal.untie_bundle(current_user, deal_id)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(
            _("Permintaan pelepasan paket dikirim.") if kept else _("Paket timbal balik dilepas."),
            "success",
        )
    return redirect(url_for("deals.detail", deal_id=deal_id))
