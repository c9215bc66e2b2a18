"""Pages of kebutuhan rutin: the manager's standing requests, the kitchen needs estimate, and
the staff's view of standing demand by regency beside unmet demand."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from exchange.akad import Akad
from exchange.auth.permissions import manager_required, staff_required
from exchange.clock import today_wib
from exchange.errors import DomainError, Invalid
from exchange.listings import standing, standing_queries
from exchange.listings.cadence import Cadence, default_mukim, kitchen_needs
from exchange.listings.models import Side
from exchange.listings.rules import ListingInput
from exchange.listings.standing_forms import CADENCE_LABELS, KitchenForm, RepeatForm
from exchange.listings.views import bp
from exchange.numbers import parse_whole
from exchange.web.forms import status_for
from exchange.web.refusals import flash_refusal, show_refusal

# Each period's window: the days the request is open (monthly: four weeks, never overlapping).
WINDOW_DAYS = {Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14, Cadence.MONTHLY: 28}


@bp.route("/listing/rutin", methods=["GET", "POST"], endpoint="standing")
@manager_required
def standing_page():
    form = RepeatForm(requests=standing_queries.repeatable(current_user, _locale()))
    if form.validate_on_submit():
        try:
            standing.repeat_listing(
                current_user,
                int(form.listing.data.strip()),
                form.cadence.data,
                form.until.data,
            )
        except Invalid as exc:
            show_refusal(form, exc)
        else:
            flash(_("Permintaan ini sekarang kebutuhan rutin."), "info")
            return redirect(url_for("listings.standing"))
    return render_template(
        "listings/standing.html",
        form=form,
        standings=standing.own_standings(current_user),
        labels=CADENCE_LABELS,
    ), status_for(form)


@bp.post("/listing/rutin/<int:standing_id>/hentikan")
@manager_required
def standing_stop(standing_id: int):
    standing.stop_standing(current_user, standing_id)
    flash(_("Kebutuhan rutin dihentikan; permintaan yang sudah diposting tetap."), "info")
    return redirect(url_for("listings.standing"))


@bp.post("/listing/rutin/<int:standing_id>/lewati")
@manager_required
def standing_skip(standing_id: int):
    try:
        day = standing.skip_next(current_user, standing_id)
    except DomainError as exc:
        flash_refusal(exc)
    else:
        flash(_("Periode mulai %(day)s dilewati.", day=day.isoformat()), "info")
    return redirect(url_for("listings.standing"))


@bp.route("/listing/rutin/dapur", methods=["GET", "POST"])
@manager_required
def kitchen():
    """An estimate from the santri count (DOMAIN.md section 3), posted only when confirmed."""
    pesantren = current_user.pesantren
    form = KitchenForm(
        request.args or None,  # none given: the defaults below (from the santri count)
        mukim=default_mukim(pesantren.santri_count),
        share=Decimal("1.0"),
        start=today_wib() + timedelta(days=1),
    )
    form.validate()
    cadence = form.cadence.data if form.cadence.data in set(Cadence) else Cadence.MONTHLY
    needs = []
    if form.mukim.data is not None and form.share.data is not None:
        share = max(Decimal(0), min(Decimal(1), Decimal(form.share.data)))
        needs = kitchen_needs(form.mukim.data, share, cadence)
    commodities = standing_queries.commodities([n.slug for n in needs])
    if request.method == "POST":
        return _confirm_kitchen(needs, commodities, cadence, form.start.data or today_wib())
    return render_template(
        "listings/kitchen.html", form=form, needs=needs, commodities=commodities
    ), status_for(form)


def _confirm_kitchen(needs, commodities, cadence, start):
    made, refused = 0, []
    for need in needs:
        commodity = commodities.get(need.slug)
        if commodity is None or not request.form.get(f"use_{need.slug}"):
            continue
        try:
            quantity = parse_whole(request.form.get(f"qty_{need.slug}", ""))
            price = parse_whole(request.form.get(f"price_{need.slug}", ""))
            inp = ListingInput(
                side=Side.REQUEST,
                commodity=need.slug,
                quantity=quantity,
                grade=commodity.grades[-1],
                price=price,
                window_start=start,
                window_end=start + timedelta(days=WINDOW_DAYS[cadence] - 1),
                akad=(Akad.TUNAI, Akad.TEMPO),
            )
            standing.create_standing(current_user, inp, cadence)
            made += 1
        except (ValueError, Invalid) as exc:
            refused.append(f"{commodity.name(_locale())}: {getattr(exc, 'message', exc)}")
    for text in refused:
        flash(text, "error")
    flash(_("%(n)d kebutuhan rutin dibuat.", n=made), "info")
    return redirect(url_for("listings.standing"))


@bp.get("/listing/rutin/staf")
@staff_required
def standing_demand():
    return render_template(
        "listings/standing_demand.html", rows=standing_queries.demand_by_regency(_locale())
    )


def _locale() -> str:
    return str(get_locale() or "id")
