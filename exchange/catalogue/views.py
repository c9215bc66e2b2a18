from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from exchange.auth.permissions import staff_required
from exchange.catalogue import services
from exchange.catalogue.forms import CommodityForm
from exchange.catalogue.models import Commodity
from exchange.errors import Invalid
from exchange.extensions import db
from exchange.web.forms import status_for
from exchange.web.refusals import show_refusal

bp = Blueprint("catalogue", __name__, url_prefix="/komoditas")


@bp.route("/")
def index():
    query = select(Commodity).order_by(Commodity.category, Commodity.name_id)
    if not (current_user.is_authenticated and current_user.is_staff):
        query = query.where(Commodity.active.is_(True))
    return render_template("catalogue/index.html", commodities=db.session.scalars(query).all())


@bp.route("/baru", methods=["GET", "POST"])
@staff_required
def new():
    form = CommodityForm()
    if form.validate_on_submit():
        try:
            services.create_commodity(current_user, form.data_for_service())
        except Invalid as exc:
            show_refusal(form, exc)
        else:
            flash(_("Komoditas ditambahkan."), "info")
            return redirect(url_for("catalogue.index"))
    return render_template("catalogue/form.html", form=form, commodity=None), status_for(form)


@bp.route("/<int:commodity_id>/ubah", methods=["GET", "POST"])
@staff_required
def edit(commodity_id: int):
    commodity = db.get_or_404(Commodity, commodity_id)
    form = CommodityForm(obj=commodity)
    form.slug.data = commodity.slug  # the slug is fixed once created
    if not form.is_submitted():
        form.grades.data = "\n".join(commodity.grades)
    if form.validate_on_submit():
        try:
            services.update_commodity(current_user, commodity_id, form.data_for_service())
        except Invalid as exc:
            show_refusal(form, exc)
        else:
            flash(_("Komoditas disimpan."), "info")
            return redirect(url_for("catalogue.index"))
    return render_template("catalogue/form.html", form=form, commodity=commodity), status_for(form)
