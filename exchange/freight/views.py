"""Angkutan bersama pages: a manager's trips and one trip (accept or decline); staff's runs
and corridors."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from exchange.auth.permissions import manager_required, staff_required
from exchange.deals.policy import Side
from exchange.errors import DomainError
from exchange.freight import labels, queries, services
from exchange.freight.policy import Answer, RunTrigger, TripState
from exchange.web.refusals import flash_refusal

bp = Blueprint("freight", __name__)


@bp.app_template_global()
def freight_label(kind: str, value):
    table = {
        "state": labels.STATE_LABELS,
        "answer": labels.ANSWER_LABELS,
        "stop": labels.STOP_LABELS,
        "vehicle": labels.VEHICLE_LABELS,
    }[kind]
    return table.get(value, value)


@bp.route("/angkutan")
@manager_required
def mine():
    if current_user.pesantren_id is None:
        abort(404)
    trips = queries.trips_of(current_user.pesantren_id)
    return render_template("freight/mine.html", trips=trips, pid=current_user.pesantren_id)


@bp.route("/angkutan/<int:trip_id>")
@login_required
def show(trip_id: int):
    trip = queries.visible_trip(current_user, trip_id)
    return render_template(
        "freight/show.html",
        trip=trip,
        pid=current_user.pesantren_id,
        hours=services.hours_text(),
        TripState=TripState,
        Answer=Answer,
        Side=Side,
    )


def _answer(trip_id: int, deal_id: int, accept: bool):
    try:
        services.answer(current_user, trip_id, deal_id, accept)
    except DomainError as exc:
        flash_refusal(exc)
    else:
        if accept:
            flash(
                _("Anda menerima angkutan bersama untuk kesepakatan #%(deal)d.", deal=deal_id),
                "info",
            )
        else:
            flash(_("Anda menolak; kesepakatan tetap seperti semula."), "info")
    return redirect(url_for("freight.show", trip_id=trip_id))


@bp.route("/angkutan/<int:trip_id>/<int:deal_id>/terima", methods=["POST"])
@manager_required
def accept(trip_id: int, deal_id: int):
    return _answer(trip_id, deal_id, True)


@bp.route("/angkutan/<int:trip_id>/<int:deal_id>/tolak", methods=["POST"])
@manager_required
def decline(trip_id: int, deal_id: int):
    return _answer(trip_id, deal_id, False)


@bp.route("/staf/angkutan")
@staff_required
def staff():
    return render_template(
        "freight/staff.html", runs=queries.recent_runs(), corridors=queries.corridors()
    )


@bp.route("/staf/angkutan/rencanakan", methods=["POST"])
@staff_required
def run_now():
    run = services.plan_trips(RunTrigger.MANUAL, actor=current_user)
    flash(
        _("Perencanaan #%(run)d: %(trips)d perjalanan diusulkan.", run=run.id, trips=run.trips),
        "info",
    )
    return redirect(url_for("freight.staff"))
