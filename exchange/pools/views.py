"""Pool (patungan) pages: the list, opening one, its page (join, leave, agree, ship, the hub's
handover list)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from exchange.auth.permissions import manager_required
from exchange.clock import today_wib
from exchange.errors import DomainError
from exchange.listings import queries as listing_queries
from exchange.matching import queries as matching_queries
from exchange.pools import hints, policy, queries, services
from exchange.pools.forms import JoinForm, OpenPoolForm
from exchange.pools.labels import POOL_STATE_LABELS, share_label
from exchange.pools.policy import PoolState
from exchange.web.refusals import flash_refusal, show_refusal

bp = Blueprint("pools", __name__, url_prefix="/patungan")


@bp.app_template_global()
def pool_state_label(state: str):
    return POOL_STATE_LABELS[PoolState(state)]


@bp.app_template_global()
def pool_share_label(state: str | None):
    return share_label(state)


@bp.route("")
@manager_required
def index():
    pesantren = current_user.pesantren
    if pesantren is None:
        abort(404)
    near = queries.joinable(
        pesantren.lat, pesantren.lon, matching_queries.road_factor(), today_wib()
    )
    mine = queries.pools_of(pesantren.id)
    mine_ids = {p.id for p in mine}
    return render_template(
        "pools/index.html",
        mine=mine,
        near=[p for p in near if p.id not in mine_ids],
        hints=matching_queries.pool_hints(pesantren.id, today_wib()),
        commodities={c.id: c for c in listing_queries.filter_choices()[0]},
    )


@bp.route("/dari-saran", methods=["POST"])
@manager_required
def from_hint():
    try:
        pool = hints.open_from_request(
            current_user,
            request.form.get("request", type=int) or 0,
            request.form.get("hub", type=int) or 0,
        )
    except DomainError as error:
        flash_refusal(error)
        return redirect(url_for("pools.index"))
    flash(_("Patungan dibuka dari saran; permintaan Anda kini bagian patungan."), "info")
    return redirect(url_for("pools.show", pool_id=pool.id))


@bp.route("/baru", methods=["GET", "POST"])
@manager_required
def new():
    form = OpenPoolForm()
    form.set_choices(listing_queries.filter_choices()[0])
    pesantren = current_user.pesantren
    if pesantren is None:
        abort(404)
    if request.method == "GET":
        form.hub_lat.data, form.hub_lon.data = pesantren.lat, pesantren.lon
    if form.validate_on_submit():
        slug, _sep, grade = (form.goods.data or "").partition("|")
        try:
            pool = services.open_pool(
                current_user,
                services.PoolInput(
                    commodity=slug,
                    grade=grade,
                    quantity=form.quantity.data,
                    price=form.price.data or 0,
                    window_start=form.window_start.data,
                    window_end=form.window_end.data,
                    hub_lat=float(form.hub_lat.data),
                    hub_lon=float(form.hub_lon.data),
                    hub_address=form.hub_address.data or "",
                    akad=tuple(form.akad.data or ()),
                    max_distance_km=float(form.max_distance_km.data or 0),
                ),
            )
        except (DomainError, TypeError) as error:
            if not isinstance(error, DomainError):
                form.form_errors.append(_("Lengkapi semua isian."))
            else:
                show_refusal(form, error)
        else:
            flash(_("Patungan dibuka; bagikan halamannya kepada pesantren di sekitar."), "info")
            return redirect(url_for("pools.show", pool_id=pool.id))
    return render_template("pools/new.html", form=form)


@bp.route("/<int:pool_id>")
@login_required
def show(pool_id: int):
    pool, may_see = queries.pool_for(current_user, pool_id)
    pid = current_user.pesantren_id
    me = queries.member_of(pool, pid)
    refusals = []
    if me is None and pid is not None and pool.state == PoolState.OPEN:
        p = current_user.pesantren
        refusals = policy.join_refusals(
            pool.state,
            pool.window_start,
            today_wib(),
            (pool.hub_lat, pool.hub_lon),
            (p.lat, p.lon),
            pool.max_distance_km,
            matching_queries.road_factor(),
            p.is_verified,
        )
    proposals, offers = queries.seller_choices(pool, pid, today_wib())
    matched = pool.state == PoolState.MATCHED
    return render_template(
        "pools/show.html",
        pool=pool,
        may_see=may_see,
        me=me,
        refusals=refusals,
        join_form=JoinForm(),
        proposals=proposals if me is None else [],
        offers=offers if me is None else [],
        shares=queries.handover_list(pool) if matched and may_see else [],
        is_seller=matched and pid is not None and pid in queries.negotiating_pesantren(pool),
    )


@bp.route("/<int:pool_id>/ikut", methods=["POST"])
@manager_required
def join(pool_id: int):
    form = JoinForm()
    if form.validate_on_submit():
        try:
            services.join_pool(current_user, pool_id, form.quantity.data)
            flash(_("Anda ikut patungan ini."), "info")
        except DomainError as error:
            flash_refusal(error)
    else:
        flash(_("Isi jumlah bagian Anda dengan bilangan bulat."), "error")
    return redirect(url_for("pools.show", pool_id=pool_id))


@bp.route("/<int:pool_id>/keluar", methods=["POST"])
@manager_required
def leave(pool_id: int):
    try:
        services.leave_pool(current_user, pool_id)
        flash(_("Anda keluar dari patungan ini."), "info")
    except DomainError as error:
        flash_refusal(error)
    return redirect(url_for("pools.index"))


@bp.route("/<int:pool_id>/setujui", methods=["POST"])
@manager_required
def agree(pool_id: int):
    offer_id = request.form.get("offer", type=int)
    proposal_id = request.form.get("proposal", type=int)
    try:
        services.agree(current_user, pool_id, offer_id or 0, proposal_id)
        flash(_("Kontrak dikirim ke setiap anggota; masing-masing menandatangani sendiri."), "info")
    except DomainError as error:
        flash_refusal(error)
    return redirect(url_for("pools.show", pool_id=pool_id))


@bp.route("/<int:pool_id>/kirim", methods=["POST"])
@manager_required
def ship(pool_id: int):
    try:
        shipped = services.ship_to_hub(current_user, pool_id)
        flash(_("%(n)d bagian dikirim ke titik kumpul.", n=len(shipped)), "info")
    except DomainError as error:
        flash_refusal(error)
    return redirect(url_for("pools.show", pool_id=pool_id))


@bp.route("/<int:pool_id>/jadikan-permintaan", methods=["POST"])
@manager_required
def share_to_request(pool_id: int):
    try:
        listing = services.share_to_request(current_user, pool_id)
    except DomainError as error:
        flash_refusal(error)
        return redirect(url_for("pools.show", pool_id=pool_id))
    flash(_("Bagian Anda kini permintaan sendiri di pasar."), "info")
    return redirect(url_for("listings.detail", listing_id=listing.id))
