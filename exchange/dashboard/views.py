"""Staff pages: the trade dashboard, its CSV exports, the audit log and listing moderation."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from exchange.auth.permissions import staff_required
from exchange.catalogue.models import Commodity
from exchange.clock import to_wib, today_wib
from exchange.dashboard import audit_labels, auditlog, reports, services
from exchange.dashboard.filters import Filters, default_period
from exchange.dashboard.forms import AuditFilterForm, FilterForm, HideForm, LookupForm
from exchange.dashboard.queries import regencies
from exchange.dashboard.tables import SEPARATORS, Column, write_csv
from exchange.errors import Invalid
from exchange.extensions import db
from exchange.listings.models import Listing, ListingStatus
from exchange.web.forms import options
from exchange.web.refusals import show_refusal

bp = Blueprint("staff", __name__, url_prefix="/staf")

TABS = (
    ("staff.dashboard", "overview"),
    ("staff.flows", "flows"),
    ("staff.network", "network"),
    ("staff.unmet", "unmet"),
    ("staff.prices", "prices"),
)


def _filters() -> tuple[Filters, FilterForm]:
    """The filters from the query string; a bad value falls back to its default, with a note."""
    form = FilterForm(request.args)
    locale = str(get_locale() or "id")
    commodities = sorted(
        db.session.scalars(select(Commodity)), key=lambda c: c.name(locale).casefold()
    )
    form.komoditas.choices = options(
        [("", _("Semua komoditas"))] + [(c.slug, c.name(locale)) for c in commodities]
    )
    form.kabupaten.choices = options(
        [("", _("Semua kabupaten/kota"))] + [(r.code, r.short_name) for r in regencies()]
    )
    form.validate()
    start, end = default_period(today_wib())
    if form.dari.data and not form.dari.errors and not form.sampai.errors:
        start = form.dari.data
    if form.sampai.data and not form.sampai.errors:
        end = form.sampai.data
    if start > end:
        start, end = default_period(today_wib())
    by_slug = {c.slug: c for c in commodities}
    chosen = by_slug.get(form.komoditas.data or "")
    codes = {choice.value for choice in form.kabupaten.choices if choice.value}
    regency = form.kabupaten.data if form.kabupaten.data in codes else None
    form.dari.data, form.sampai.data = start, end
    f = Filters(start, end, chosen.id if chosen else None, regency, chosen.slug if chosen else None)
    return f, form


#: Rows a table shows (the CSV has them all); the unmet-demand page starts smaller (a phone
#: over a slow link) and grows by MORE_ROWS a click ("baris" in the query string).
ROWS, FIRST_ROWS, MORE_ROWS = 100, 10, 40


def _page(key: str, rows: int = ROWS):
    f, form = _filters()
    page = reports.PAGES[key](f, today_wib())
    return render_template(
        "dashboard/report.html",
        page=page,
        form=form,
        filters=f,
        tabs=TABS,
        endpoint=request.endpoint,
        rows=rows,
        more_rows=MORE_ROWS if rows < ROWS * 10 else 0,
    )


def _rows_asked() -> int:
    asked = request.args.get("baris", type=int) or FIRST_ROWS
    return min(max(asked, FIRST_ROWS), ROWS * 10)


@bp.route("/dasbor")
@staff_required
def dashboard():
    return _page("overview")


@bp.route("/dasbor/arus")
@staff_required
def flows():
    return _page("flows")


@bp.route("/dasbor/jaringan")
@staff_required
def network():
    return _page("network")


@bp.route("/dasbor/permintaan")
@staff_required
def unmet():
    return _page("unmet", rows=_rows_asked())


@bp.route("/dasbor/harga")
@staff_required
def prices():
    return _page("prices")


def _csv(filename: str, columns, rows) -> Response:
    sep = SEPARATORS.get(request.args.get("pemisah", ""), ";")
    # ?desimal=koma: decimals with a comma, for Excel with Indonesian regional settings
    comma = request.args.get("desimal") == "koma" and sep == ";"
    body = stream_with_context(write_csv(columns, rows, sep, decimal_comma=comma))
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


@bp.route("/dasbor/ekspor/<name>.csv")
@staff_required
def export(name: str):
    if name not in reports.TABLES:
        abort(404)
    f, _form = _filters()
    table = reports.PAGES[reports.TABLES[name]](f, today_wib()).table(name)
    return _csv(f"{name}_{f.start}_{f.end}.csv", table.columns, table.rows)


def _audit_filters() -> tuple[auditlog.AuditFilters, AuditFilterForm]:
    form = AuditFilterForm(request.args)
    form.validate()
    f = auditlog.AuditFilters(
        pesantren=(form.pesantren.data or "").strip(),
        email=(form.email.data or "").strip(),
        kind=(form.jenis.data or "").strip(),
        start=None if form.dari.errors else form.dari.data,
        end=None if form.sampai.errors else form.sampai.data,
    )
    return f, form


@bp.route("/audit")
@staff_required
def audit():
    f, form = _audit_filters()
    pagination = db.paginate(
        auditlog.search(f), per_page=current_app.config["PAGE_SIZE"], error_out=False, count=True
    )
    names = auditlog.pesantren_names(pagination.items)
    return render_template(
        "dashboard/audit.html",
        form=form,
        filters=f,
        pagination=pagination,
        names=names,
        audit_kind=audit_labels.kind_label,
        audit_object=audit_labels.object_label,
        audit_key=audit_labels.key_label,
        audit_value=audit_labels.value_label,
    )


AUDIT_COLUMNS = (
    Column("created_at", "waktu_wib"),
    Column("kind", "jenis"),
    Column("actor", "email_pengguna"),
    Column("pesantren_id", "pesantren_id"),
    Column("pesantren", "pesantren"),
    Column("object_type", "objek"),
    Column("object_id", "objek_id"),
    Column("data", "data"),
)


@bp.route("/audit.csv")
@staff_required
def audit_csv():

    f, _form = _audit_filters()

    def rows():
        for batch in auditlog.batches(f):
            names = auditlog.pesantren_names(batch)
            yield from (_audit_row(e, names) for e in batch)

    return _csv("audit.csv", AUDIT_COLUMNS, rows())


def _audit_row(e, names: dict[int, str]) -> tuple:
    return (
        to_wib(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
        e.kind,
        e.actor.email if e.actor else "",
        e.pesantren_id,
        names.get(e.pesantren_id, ""),
        e.object_type,
        e.object_id,
        json.dumps(e.data, ensure_ascii=False, sort_keys=True),
    )


@bp.route("/moderasi")
@staff_required
def moderation():
    lookup = LookupForm(request.args)
    if lookup.listing.data and lookup.validate():
        return redirect(url_for("staff.listing", listing_id=lookup.listing.data))
    hidden = db.paginate(
        select(Listing)
        .where(Listing.status == ListingStatus.HIDDEN.value)
        .order_by(Listing.updated_at.desc(), Listing.id.desc()),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "dashboard/moderation.html",
        lookup=lookup,
        hidden=hidden,
        queue_url=_queue_url(),
    )


def _queue_url() -> str:
    # The verification queue (suspend / reinstate a pesantren) belongs to the pesantren domain.
    return url_for("pesantren.queue")


@bp.route("/listing/<int:listing_id>")
@staff_required
def listing(listing_id: int):
    item = db.get_or_404(Listing, listing_id)
    return render_template(
        "dashboard/listing.html", listing=item, form=HideForm(), queue_url=_queue_url()
    )


@bp.route("/listing/<int:listing_id>/sembunyikan", methods=["POST"])
@staff_required
def hide_listing(listing_id: int):
    form = HideForm()
    if form.validate_on_submit():
        try:
            services.hide_listing(current_user, listing_id, form.reason.data)
        except Invalid as error:
            show_refusal(form, error)
        else:
            flash(_("Listing disembunyikan; pengelola melihat alasannya."), "success")
            return redirect(url_for("staff.listing", listing_id=listing_id))
    item = db.get_or_404(Listing, listing_id)
    page = render_template(
        "dashboard/listing.html", listing=item, form=form, queue_url=_queue_url()
    )
    return page, 400


@bp.route("/listing/<int:listing_id>/tampilkan", methods=["POST"])
@staff_required
def unhide_listing(listing_id: int):
    services.unhide_listing(current_user, listing_id)
    flash(_("Listing ditampilkan lagi."), "success")
    return redirect(url_for("staff.listing", listing_id=listing_id))
