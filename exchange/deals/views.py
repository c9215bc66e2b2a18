"""Deal pages: my deals, opening a negotiation, a deal with its moves, the contract."""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from exchange.auth.permissions import require_trader
from exchange.deals import (
    acceptance,
    checks,
    facts,
    fulfilment,
    queries,
    reciprocal,
    services,
    visibility,
)
from exchange.deals import notify as deal_notify
from exchange.deals import presenters as present
from exchange.deals.forms import (
    AKAD_FIELDS,
    DisputeForm,
    NoteForm,
    PaymentForm,
    RatingForm,
    RefundForm,
    SettleBundleForm,
    WaitForm,
    version_of,
)
from exchange.deals.models import Deal
from exchange.errors import DomainError, NotFound
from exchange.i18n import quantity, rupiah, short_date
from exchange.listings.queries import visible_listing
from exchange.web.refusals import flash_refusal, show_refusal

bp = Blueprint("deals", __name__, url_prefix="/kesepakatan")

SIMPLE_MOVES = {
    "reject": services.reject,
    "withdraw": services.withdraw,
    "ship": fulfilment.ship,
    "complete": fulfilment.complete,
    "resolve": fulfilment.resolve,
    "request_cancel": fulfilment.request_cancel,
    "agree_cancel": fulfilment.agree_cancel,
    "decline_cancel": fulfilment.decline_cancel,
    "cancel_refund": fulfilment.cancel_with_refund,
    "confirm_receipt": fulfilment.confirm_salam_receipt,
}


@bp.route("/")
@login_required
def index():
    if current_user.is_staff:  # staff read every deal; they are no party to any
        deals, waiting = queries.recent_deal_rows(), set()
    else:
        deals = queries.my_deal_rows(current_user)
        waiting = {d.id for d in deals if facts.waits_for(d, current_user.pesantren_id)}
    return render_template(
        "deals/index.html",
        deals=deals,
        waiting=waiting,
        state_labels=present.STATE_LABELS,
        staff=current_user.is_staff,
    )


@bp.route("/baru", methods=["GET", "POST"])
@login_required
def open():  # noqa: A001 - the endpoint is named deals.open
    require_trader(current_user)  # staff and unverified pesantren: 403, as on the services
    proposal = None
    if "proposal" in request.args:
        # Not a party, or no longer open: 404 (with the reason, via the DomainError handler).
        proposal = services.open_proposal(current_user, request.args.get("proposal", type=int))
        listing_id, counter_id = services.proposal_listings(current_user, proposal)
    else:
        listing_id = request.args.get("listing", type=int)
        counter_id = request.args.get("counter", type=int) or 0
    # A listing hidden by staff is not found, here as on the market (one visibility rule).
    listing = visible_listing(current_user, listing_id) if listing_id else None
    if listing is None:
        raise NotFound()
    services.negotiable_listing(listing.id)  # closed (suspended pesantren, over): refused
    counter = visible_listing(current_user, counter_id) if counter_id else None
    if counter is not None and counter.pesantren_id != current_user.pesantren_id:
        counter = None
    allowed = checks.allowed_akad((listing, counter))
    form = present.terms_form(listing, counter, only_akad_fields=True)
    form.client_token.data = form.client_token.data or secrets.token_urlsafe(24)
    unknown_akad = choosing = False
    if request.method == "GET":
        wanted = request.args.get("akad") or None
        unknown_akad = wanted is not None and wanted not in allowed
        wanted = None if unknown_akad else wanted
        # A proposal or a suggestion comes with its akad; a listing alone with several akad
        # first asks which one (the form then shows only that akad's fields).
        # "?akad=" (empty): the opener asked to choose again.
        asked = request.args.get("akad") == ""
        alone = proposal is None and counter is None and len(allowed) != 1
        choosing = wanted is None and (asked or alone)
        if not choosing:
            form.fill(
                services.proposal_terms(current_user, proposal, akad=wanted)
                if proposal
                else checks.default_terms(listing, counter, akad=wanted)
            )
    elif form.validate_on_submit():
        try:
            deal = services.open_negotiation(
                current_user,
                listing.id,
                counter.id if counter else None,
                form.terms(),
                form.message.data or "",
                proposal_id=proposal.id if proposal else None,
                client_token=form.client_token.data,
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            flash(_("Negosiasi dibuka; menunggu jawaban pihak lain."), "success")
            return redirect(url_for("deals.detail", deal_id=deal.id, _anchor="pesan"))
    chosen = None if choosing else (form.akad.data if form.akad.data in allowed else None)
    refused = bool(unknown_akad or form.errors or form.form_errors)
    return render_template(
        "deals/open.html",
        form=form,
        listing=listing,
        counter=counter,
        proposal=proposal,
        chosen=chosen,
        akad_fields=AKAD_FIELDS.get(chosen, ()),
        choices=present.akad_choices(allowed),
        choose_url=url_for("deals.open", **_open_args(proposal, listing, counter), akad=""),
        unknown_akad=unknown_akad,
    ), (400 if refused else 200)


def _open_args(proposal, listing, counter) -> dict:
    """The query of the opening page, without the akad (the choose-akad step's address)."""
    if proposal is not None:
        return {"proposal": proposal.id}
    return {"listing": listing.id, **({"counter": counter.id} if counter else {})}


@bp.route("/<int:deal_id>")
@login_required
def detail(deal_id: int, counter_form=None, forms=None):
    deal = visibility.visible_deal(current_user, deal_id)
    if request.method == "GET":  # opening the deal reads its notifications
        deal_notify.mark_notifications_read(current_user, deal_id=deal.id)
    page = present.detail_page(deal, counter_form, forms, counter_akad=request.args.get("akad"))
    return render_template("deals/detail.html", **page)


@bp.post("/<int:deal_id>/tawar")
@login_required
def counter(deal_id: int):
    deal = visibility.party_deal(current_user, deal_id)
    listings = (deal.offer or deal.request, deal.request if deal.offer else None)
    form = present.terms_form(*listings, only_akad_fields=True)
    if form.validate_on_submit():
        try:
            services.counter_offer(
                current_user,
                deal_id,
                version_of(form),
                form.terms(),
                form.message.data or "",
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            flash(_("Tawaran balik dikirim."), "success")
            return redirect(url_for("deals.detail", deal_id=deal_id, _anchor="pesan"))
    return detail(deal_id, counter_form=form), 400


@bp.post("/<int:deal_id>/terima")
@login_required
def accept(deal_id: int):
    visibility.party_deal(current_user, deal_id)
    form = NoteForm()
    try:
        contract = acceptance.accept(current_user, deal_id, version_of(form))
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(_("Kesepakatan diterima. Kontrak %(n)s dibuat.", n=contract.number), "success")
    return redirect(url_for("deals.detail", deal_id=deal_id))


@bp.route("/<int:deal_id>/langkah/<action>", methods=["GET", "POST"])
@login_required
def move(deal_id: int, action: str):
    """A simple move. The moves that cannot be undone are asked first: GET shows the question
    and the form; a cancellation request needs its reason."""
    service = SIMPLE_MOVES.get(action)
    if service is None:
        abort(404)
    visibility.party_deal(current_user, deal_id)
    form = NoteForm()
    if request.method == "GET" or (
        action in present.REASON_NEEDED and not (form.note.data or "").strip()
    ):
        if action not in present.CONFIRM_ACTIONS:
            abort(404 if request.method == "GET" else 400)
        deal = visibility.visible_deal(current_user, deal_id)
        if request.method == "POST":
            form.note.errors = [_("Tuliskan alasan pembatalan.")]
        page = present.confirm_page(deal, action, form)
        return render_template("site/confirm.html", **page), 400 if form.note.errors else 200
    try:
        deal = service(current_user, deal_id, form.note.data or "")
    except DomainError as error:
        flash_refusal(error)
    else:
        labels = present.action_labels(deal) if isinstance(deal, Deal) else present.ACTION_LABELS
        flash(_("Dicatat: %(action)s.", action=labels[action]), "success")
    return redirect(url_for("deals.detail", deal_id=deal_id))


def _form_move(deal_id: int, form, name: str, call, done=None):
    """``done``: what was recorded, in words, for the success message (after the call)."""
    visibility.party_deal(current_user, deal_id)
    if form.validate_on_submit():
        try:
            call()
        except DomainError as error:
            show_refusal(form, error)
        else:
            flash(done() if done else _("Langkah dicatat."), "success")
            return redirect(url_for("deals.detail", deal_id=deal_id, _anchor="pesan"))
    return detail(deal_id, forms={name: form}), 400


@bp.post("/<int:deal_id>/bayar")
@login_required
def pay(deal_id: int):
    f = PaymentForm()
    return _form_move(
        deal_id,
        f,
        "pay",
        lambda: fulfilment.record_payment(
            current_user, deal_id, f.amount.data, f.paid_on.data, f.note.data or ""
        ),
        lambda: _(
            "Pembayaran %(amount)s tanggal %(day)s dicatat; kuitansinya ada di bagian Dokumen.",
            amount=rupiah(f.amount.data),
            day=short_date(f.paid_on.data),
        ),
    )


@bp.post("/<int:deal_id>/bast")
@login_required
def receive(deal_id: int):
    deal = visibility.visible_deal(current_user, deal_id)
    f = present.receive_form(deal)
    return _form_move(
        deal_id,
        f,
        "receive",
        lambda: fulfilment.receive(
            current_user,
            deal_id,
            f.quantity_received.data,
            f.grade_received.data or None,
            f.received_on.data,
            f.note.data or "",
            f.shortfall_outcome.data or None,
            f.paid_now.data or None,
        ),
        lambda: _(
            "Penerimaan %(quantity)s dicatat; BAST-nya ada di bagian Dokumen.",
            quantity=quantity(f.quantity_received.data, deal.commodity.unit),
        ),
    )


@bp.post("/<int:deal_id>/pengembalian")
@login_required
def refund(deal_id: int):
    f = RefundForm()
    return _form_move(
        deal_id,
        f,
        "refund",
        lambda: fulfilment.refund(
            current_user, deal_id, f.amount.data, f.refunded_on.data, f.note.data or ""
        ),
        lambda: _("Pengembalian uang %(amount)s dicatat.", amount=rupiah(f.amount.data)),
    )


@bp.post("/<int:deal_id>/tunggu")
@login_required
def wait(deal_id: int):
    f = WaitForm()
    return _form_move(
        deal_id,
        f,
        "wait",
        lambda: fulfilment.wait_for_goods(current_user, deal_id, f.new_due.data, f.note.data or ""),
        lambda: _("Tanggal penyerahan baru dicatat: %(day)s.", day=short_date(f.new_due.data)),
    )


@bp.post("/<int:deal_id>/paket/selisih")
@login_required
def settle_bundle(deal_id: int):
    """Record the bundle's net amount once; both legs are then paid."""
    f = SettleBundleForm()
    return _form_move(
        deal_id,
        f,
        "settle",
        lambda: reciprocal.settle_bundle(current_user, deal_id, f.paid_on.data, f.note.data or ""),
    )


@bp.post("/<int:deal_id>/sengketa")
@login_required
def dispute(deal_id: int):
    f = DisputeForm()
    return _form_move(
        deal_id, f, "dispute", lambda: fulfilment.dispute(current_user, deal_id, f.reason.data)
    )


@bp.post("/<int:deal_id>/nilai")
@login_required
def rate(deal_id: int):
    f = RatingForm()
    return _form_move(
        deal_id,
        f,
        "rate",
        lambda: fulfilment.rate(current_user, deal_id, int(f.score.data), f.comment.data or ""),
    )
