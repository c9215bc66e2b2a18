from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from exchange.auth.permissions import manager_required
from exchange.deals import facts
from exchange.deals import queries as deals
from exchange.deals.labels import awaited_label
from exchange.matching import queries as matching

bp = Blueprint("dashboard", __name__)

PARTNERS_SHOWN = 5


@bp.route("/dasbor")
@manager_required
def home():
    pesantren = current_user.pesantren
    proposals, partners, run = [], [], None
    if pesantren is not None:
        proposals = matching.my_proposals(pesantren.id)
        run = matching.latest_run()
        # No run yet: no partners (reciprocal_partners would look for the run again).
        partners = matching.reciprocal_partners(pesantren.id, run) if run else []
    waiting = deals.waiting_for(current_user)
    pesantren_id = current_user.pesantren_id
    return render_template(
        "home/dashboard.html",
        pesantren=pesantren,
        waiting=[(d, awaited_label(facts.awaited(d, pesantren_id))) for d in waiting],
        unread=deals.unread_on_page(current_user),
        proposals=proposals,
        partners=partners[:PARTNERS_SHOWN],
        more_partners=len(partners) > PARTNERS_SHOWN,
        run=run,
    )
