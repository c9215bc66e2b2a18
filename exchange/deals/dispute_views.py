"""Staff pages for open disputes: the list (linked from the dashboard's "Sengketa terbuka"),
one dispute with the deal's history, and the three resolutions. Anyone but staff gets 404."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from exchange.auth.permissions import staff_required
from exchange.deals import disputes
from exchange.deals import presenters as present
from exchange.deals.dispute_forms import FORMS
from exchange.deals.states import N_
from exchange.deals.views import bp
from exchange.errors import DomainError
from exchange.web.refusals import show_refusal

DONE = {
    "settle": N_("Penyelesaian dicatat; kesepakatan berlanjut dan kedua pihak diberi tahu."),
    "staff_cancel": N_("Kesepakatan dibatalkan dengan pengembalian dana; kedua pihak diberi tahu."),
    "refer": N_("Sengketa dirujuk ke Basyarnas; kedua pihak diberi tahu."),
}


@bp.route("/sengketa")
@login_required
@staff_required
def disputes_list():
    rows = disputes.open_disputes(current_user)
    return render_template("deals/disputes.html", rows=rows, side_labels=present.SIDE_LABELS)


def _case_page(deal_id: int, forms=None, status: int = 200):
    deal = disputes.disputed_deal(current_user, deal_id)
    actions = [a.value for a in disputes.staff_actions(current_user, deal)]
    forms = dict(forms or {})
    for name in actions:
        forms.setdefault(name, FORMS[name](formdata=None))
    page = render_template(
        "deals/dispute.html",
        deal=deal,
        actions=actions,
        forms=forms,
        referred_at=disputes.referred_at(deal),
        refund=disputes.refund_owed_on_cancel(deal),
        state_labels=present.STATE_LABELS,
        action_labels=present.ACTION_LABELS,
        side_labels=present.SIDE_LABELS,
    )
    return page, status


@bp.route("/sengketa/<int:deal_id>")
@login_required
@staff_required
def dispute_case(deal_id: int):
    return _case_page(deal_id)


@bp.post("/sengketa/<int:deal_id>/<action>")
@login_required
@staff_required
def dispute_action(deal_id: int, action: str):
    form_class = FORMS.get(action)
    if form_class is None:
        abort(404)
    form = form_class()
    if form.validate_on_submit():
        try:
            if action == "settle":
                disputes.settle(current_user, deal_id, form.note.data)
            elif action == "staff_cancel":
                disputes.cancel_with_refund(current_user, deal_id, form.note.data)
            else:
                disputes.refer_to_basyarnas(current_user, deal_id, form.note.data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            flash(_(DONE[action]), "success")
            return redirect(url_for("deals.dispute_case", deal_id=deal_id))
    return _case_page(deal_id, forms={action: form}, status=400)
