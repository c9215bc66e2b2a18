"""The market, a listing's page, posting/editing/withdrawing, and a manager's own listings."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from exchange.akad import Akad
from exchange.auth.permissions import can_edit_listing, can_trade, manager_required
from exchange.errors import IllegalTransition
from exchange.listings import caching, cards, places, policy, queries, services
from exchange.listings.forms import ListingForm, parse_market
from exchange.listings.models import ListingStatus, Side
from exchange.matching import queries as matching
from exchange.web.refusals import flash_refusal

bp = Blueprint("listings", __name__)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
bp.add_app_template_global(places.place_words, "place_words")
bp.add_app_template_global(places.map_url, "map_url")
bp.add_app_template_global(places.has_own_place, "has_own_place")


@bp.route("/pasar")
@caching.visitor_page
def market():
    commodities, regencies = queries.filter_choices()
    filters, problems = parse_market(
        request.args, {c.slug for c in commodities}, {r.code for r in regencies}
    )
    result = queries.market_cards(filters, current_user, request.args.get("page", 1, type=int))
    chosen = next((c for c in commodities if c.slug == filters.commodity), None)
    return render_template(
        "listings/market.html",
        result=result,
        cards=cards.cards(
            result.rows,
            str(get_locale() or "id"),
            getattr(current_user, "pesantren_id", None),
        ),
        filters=filters,
        commodities=commodities,
        regencies=regencies,
        chosen=chosen,
        problems=problems,
        today=services.today_wib(),
    )


@bp.route("/pasar/<int:listing_id>")
@caching.visitor_page
def detail(listing_id: int):
    listing = queries.visible_listing(current_user, listing_id)
    if listing is None:
        abort(404)
    mine = can_edit_listing(current_user, listing)
    trader = not mine and can_trade(current_user)
    rows = _suggestions(listing) if mine or trader else None
    active = rows is not None
    # On another pesantren's listing, "open negotiation" pairs it with the viewer's own
    # best-matching listing when there is one (the suggestions are ranked best first).
    own_match = next(
        (s for s in rows or [] if trader and s.pesantren_id == current_user.pesantren_id), None
    )
    return render_template(
        "listings/detail.html",
        listing=listing,
        distance=queries.distance_from(queries.viewer_origin(current_user), listing),
        mine=mine,
        today=services.today_wib(),
        suggestions=rows if mine else None,
        can_negotiate=trader and active,
        can_trade_own=mine and active and can_trade(current_user),
        own_match=own_match,
    )


def _suggestions(listing):
    """The matching engine's counterparts of an active listing, or None when it is not active
    (then there are no suggestions and no negotiation)."""
    today = services.today_wib()
    if not policy.is_open(listing, today):
        return None
    found = matching.suggestions_for(listing.id, current_user, today)
    return found.rows if found.active else None


@bp.route("/listing/baru", methods=["GET", "POST"])
@login_required
def new():
    side = request.args.get("side", Side.OFFER.value)
    if side not in (Side.OFFER, Side.REQUEST):
        abort(404)
    pesantren = current_user.pesantren if current_user.is_manager else None
    if pesantren is not None and not pesantren.is_verified:
        # Not "forbidden": say what is happening and what comes next.
        return render_template("home/not_yet.html", pesantren=pesantren), 403
    services.check_trader(current_user)
    if request.method == "GET" and not _TOKEN.match(request.args.get("token", "")):
        # Post/Redirect/Get with the form's token in its address: Back returns to the same
        # token (a fresh GET would give a new one while the browser restores what was typed).
        args = request.args.to_dict() | {"side": side, "token": secrets.token_urlsafe(24)}
        return redirect(url_for("listings.new", **args))
    form = _form()
    if request.method == "GET":
        form.client_token.data = request.args["token"]
        if existing := services.listing_for_token(current_user, form.client_token.data):
            flash(_already(existing), "warning")
        today = services.today_wib()
        form.commodity.data = request.args.get("commodity", "")
        form.window_start.data, form.window_end.data = today, today + timedelta(days=30)
        form.akad.data = [Akad.TUNAI.value]
        form.lat.data, form.lon.data = current_user.pesantren.lat, current_user.pesantren.lon
    elif existing := services.listing_for_token(current_user, form.client_token.data):
        flash(_already(existing), "info")
        return redirect(url_for("listings.detail", listing_id=existing.id))
    elif _submitted(form, side):
        try:
            listing, warnings = services.create_listing(current_user, form.to_input(side))
        except services.InvalidListing as exc:
            _attach(form, exc.errors)
        else:
            return _saved(listing, warnings, _("Listing Anda sudah tayang di pasar."), form)
    return _render_form(form, side, None)


@bp.route("/listing/<int:listing_id>/ubah", methods=["GET", "POST"])
@login_required
def edit(listing_id: int):
    listing = services.own_listing(current_user, listing_id)
    if not listing.is_editable:
        flash(_("Listing ini tidak dapat diubah lagi."), "warning")
        return redirect(url_for("listings.detail", listing_id=listing.id))
    form = _form()
    if request.method == "GET":
        form.fill_from(listing)
    elif _submitted(form, listing.side, listing.window_start):
        try:
            listing, warnings = services.update_listing(
                current_user, listing.id, form.to_input(listing.side)
            )
        except services.InvalidListing as exc:
            _attach(form, exc.errors)
        except IllegalTransition as exc:
            flash_refusal(exc)
            return redirect(url_for("listings.detail", listing_id=listing_id))
        else:
            return _saved(listing, warnings, _("Perubahan disimpan."), form)
    return _render_form(form, listing.side, listing)


@bp.route("/listing/<int:listing_id>/tarik", methods=["GET", "POST"])
@login_required
def withdraw(listing_id: int):
    """GET asks once (a withdrawn listing does not come back); POST withdraws."""
    if request.method == "GET":
        listing = services.own_listing(current_user, listing_id)
        return render_template(
            "site/confirm.html",
            title=_("Tarik listing #%(id)d", id=listing.id),
            question=_("Tarik listing ini dari pasar?"),
            consequence=_(
                "Listing tidak tampil lagi dan tidak dapat diaktifkan kembali; "
                "kesepakatan yang sudah berjalan tidak terpengaruh."
            ),
            action=url_for("listings.withdraw", listing_id=listing.id),
            button=_("Tarik"),
            back=url_for("listings.detail", listing_id=listing.id),
        )
    services.withdraw_listing(current_user, listing_id)
    flash(_("Listing ditarik dari pasar."), "info")
    return redirect(url_for("listings.mine"))


@bp.route("/listing/saya")
@manager_required
def mine():
    pagination = queries.my_listings(current_user, request.args.get("page", 1, type=int))
    return render_template(
        "listings/mine.html",
        pagination=pagination,
        today=services.today_wib(),
        can_post=current_user.pesantren is not None and current_user.pesantren.is_verified,
        statuses=ListingStatus,
    )


def _already(listing) -> str:
    return _(
        "Listing ini sudah dibuat (#%(id)d) dari formulir yang sama; tidak dibuat dua kali.",
        id=listing.id,
    )


def _form() -> ListingForm:
    form = ListingForm()
    form.set_choices(queries.filter_choices()[0])
    return form


def _submitted(form: ListingForm, side: str, previous_start=None) -> bool:
    """True when the form parsed; otherwise the parse errors and the rule errors are shown."""
    if form.validate_on_submit():
        return True
    _attach(form, services.problems(form.to_input(side), previous_start))
    return False


def _attach(form: ListingForm, errors: dict[str, str]) -> None:
    for name, msg in errors.items():
        field = getattr(form, name, None)
        if field is None or name == "client_token":
            form.form_errors.append(msg)
        elif not field.errors:
            field.errors = [msg]


def _saved(listing, warnings, message, form):
    flash(message, "info")
    if price_note := form.price_note():
        flash(price_note, "info")
    for warning in warnings:
        flash(warning, "warning")
    return redirect(url_for("listings.detail", listing_id=listing.id))


def _render_form(form, side, listing):
    status = 400 if form.errors or form.form_errors else 200
    form.offer_akad(listing)
    return render_template("listings/form.html", form=form, side=side, listing=listing), status


from exchange.listings import sheet_views, standing_views  # noqa: E402, F401 - routes on bp
