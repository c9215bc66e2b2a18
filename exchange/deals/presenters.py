"""What the deal pages show: who may see a deal, the versions side by side, the forms."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext

from exchange.akad import Akad
from exchange.clock import today_wib
from exchange.deals import akad as rules
from exchange.deals import checks, facts, queries, reciprocal
from exchange.deals.forms import (
    AKAD_FIELDS,
    BundleForm,
    DisputeForm,
    NoteForm,
    PaymentForm,
    RatingForm,
    ReceiveForm,
    RefundForm,
    SettleBundleForm,
    TermsForm,
    WaitForm,
)
from exchange.deals.labels import ACTION_LABELS, SIDE_LABELS, STATE_LABELS, TRANSPORT_LABELS
from exchange.deals.models import Deal
from exchange.deals.states import Action, Side, available_actions
from exchange.i18n import rupiah, short_date
from exchange.web.forms import options


def akad_label(code: str) -> str:
    return _(rules.AKAD_LABELS.get(code, code))


#: What each akad means, in a manager's words, for the step that chooses it.
AKAD_DESCRIPTIONS = {
    Akad.TUNAI: _l("Barang diserahkan dan dibayar lunas pada saat yang sama."),
    Akad.TEMPO: _l(
        "Barang diserahkan dulu; pembeli membayar paling lambat pada tanggal jatuh tempo, "
        "tanpa bunga atau denda."
    ),
    Akad.SALAM: _l(
        "Pembeli membayar lunas saat akad; penjual menyerahkan barang dengan mutu dan jumlah "
        "yang pasti di kemudian hari."
    ),
    Akad.ISTISNA: _l(
        "Barang dibuat sesuai pesanan; pembayaran boleh bertahap menurut jadwal yang disepakati."
    ),
    Akad.MURABAHAH: _l(
        "Penjual yang sudah memiliki barang menyebutkan harga pokok dan marginnya secara terbuka."
    ),
}


def akad_choices(allowed) -> list[dict]:
    """The choose-akad step: each akad both sides accept, with what it means."""
    return [
        {"code": a, "label": akad_label(a), "description": AKAD_DESCRIPTIONS.get(a, "")}
        for a in allowed
    ]


def terms_form(listing, counter=None, only_akad_fields: bool = False) -> TermsForm:
    form = TermsForm()
    form.only_akad_fields = only_akad_fields
    commodity = listing.commodity
    form.grade.choices = options(commodity.grade_choices())
    form.akad.choices = options((a, akad_label(a)) for a in checks.allowed_akad((listing, counter)))
    return form


def receive_form(deal: Deal) -> ReceiveForm:
    form = ReceiveForm()
    form.grade_received.choices = options(deal.commodity.grade_choices())
    return form


def _fmt_version(deal: Deal, v) -> dict:
    grade = deal.commodity.grade_label(v.grade) if v.grade else "-"
    schedule = ", ".join(
        f"{short_date(date.fromisoformat(s['due']))}: {rupiah(s['amount'])}"
        for s in v.payment_schedule or []
    )
    return {
        "quantity": f"{v.quantity} {deal.commodity.unit}",
        "unit_price": rupiah(v.unit_price),
        "total": rupiah(v.total),
        "grade": grade,
        "akad": akad_label(v.akad),
        "handover_date": short_date(v.handover_date),
        "handover_place": v.handover_place,
        "transport": str(TRANSPORT_LABELS.get(v.transport, v.transport)),
        "payment_due_date": short_date(v.payment_due_date) if v.payment_due_date else "-",
        "payment_schedule": schedule or "-",
        "cost_margin": f"{rupiah(v.cost_price)} + {rupiah(v.margin)}"
        if v.cost_price is not None
        else "-",
    }


ROWS = (
    ("quantity", _l("Jumlah")),
    ("unit_price", _l("Harga satuan")),
    ("total", _l("Total harga")),
    ("grade", _l("Mutu")),
    ("akad", _l("Akad")),
    ("handover_date", _l("Tanggal penyerahan")),
    ("handover_place", _l("Lokasi penyerahan")),
    ("transport", _l("Pengangkutan")),
    ("payment_due_date", _l("Jatuh tempo")),
    ("payment_schedule", _l("Tahap pembayaran")),
    ("cost_margin", _l("Harga pokok + margin")),
)


def versions_table(deal: Deal) -> list[dict]:
    """Each version with its values and the fields that changed from the one before."""
    out, previous = [], None
    for v in deal.versions:
        values = _fmt_version(deal, v)
        changed = {k for k in values if previous and values[k] != previous[k]}
        out.append(
            {"version": v, "values": values, "changed": changed, "side": SIDE_LABELS[v.author_side]}
        )
        previous = values
    return out


def action_labels(deal: Deal) -> dict:
    """The moves' labels for this deal: when the buyer collects, the seller's "ship" is
    "Tandai siap diambil" (the goods wait at the gate; nobody ships them)."""
    terms = deal.current_terms
    if terms is not None and terms.transport == "buyer":
        return {**ACTION_LABELS, "ship": _l("Tandai siap diambil")}
    return ACTION_LABELS


def counter_terms(current_terms, akad: str | None, allowed) -> object:
    """The counter-offer form's starting terms: the current ones, or, when the reader chose
    another akad the listings accept, the same terms under that akad without the payment terms
    of the old one (the form shows only the chosen akad's fields)."""
    if not akad or akad == current_terms.akad or akad not in allowed:
        return current_terms
    return replace(
        current_terms,
        akad=akad,
        payment_due_date=None,
        schedule=(),
        cost_price=None,
        margin=None,
        seller_owns=False,
    )


def detail_page(deal: Deal, counter_form=None, forms=None, counter_akad=None) -> dict:
    from flask_login import current_user

    side_value = deal.side_of(current_user.pesantren_id) if current_user.is_manager else None
    side = Side(side_value) if side_value else None
    actions = available_actions(facts.context(deal), side) if side else []
    current = deal.current_terms
    reasons = checks.acceptance_reasons(deal) if Action.ACCEPT in actions else []
    listings = (deal.offer or deal.request, deal.request if deal.offer else None)
    allowed = checks.allowed_akad(listings) if Action.COUNTER in actions else []
    if counter_form is None and Action.COUNTER in actions:
        counter_form = terms_form(*listings, only_akad_fields=True)
        counter_form.fill(counter_terms(facts.terms_of(current), counter_akad, allowed))
        counter_form.version.data = str(deal.terms_version)
    chosen = counter_form.akad.data if counter_form is not None else None
    counter_choices = [
        {
            "code": a,
            "label": akad_label(a),
            "url": url_for("deals.detail", deal_id=deal.id, akad=a, _anchor="tawaran-balik"),
        }
        for a in allowed
        if a != chosen
    ]
    forms = dict(forms or {})
    forms.setdefault("pay", PaymentForm(formdata=None, paid_on=today_wib()))
    forms.setdefault("receive", receive_form(deal) if Action.RECEIVE in actions else None)
    if forms["receive"] is not None and forms["receive"].quantity_received.data is None:
        forms["receive"].quantity_received.data = current.quantity
        forms["receive"].grade_received.data = current.grade
        forms["receive"].received_on.data = today_wib()
    forms.setdefault("dispute", DisputeForm(formdata=None))
    forms.setdefault("rate", RatingForm(formdata=None))
    over = facts.overpaid(deal) if deal.accepted_version else 0
    forms.setdefault("refund", RefundForm(formdata=None, amount=over, refunded_on=today_wib()))
    forms.setdefault("wait", WaitForm(formdata=None))
    forms.setdefault("settle", SettleBundleForm(formdata=None, paid_on=today_wib()))
    note = NoteForm(formdata=None)
    note.version.data = str(deal.terms_version)
    bundle = queries.bundle_of(deal.id)
    mine = deal.seller_pesantren_id if side is Side.SELLER else deal.buyer_pesantren_id
    if any(r.rater_pesantren_id == mine for r in deal.ratings):
        actions = [a for a in actions if a is not Action.RATE]
    return {
        "deal": deal,
        "side": side,
        "side_label": SIDE_LABELS.get(side_value, _l("Staf (hanya baca)")),
        "read_only": side is None,
        "actions": [a.value for a in actions],
        "simple_actions": [a.value for a in actions if a.value in _SIMPLE],
        "confirm_actions": CONFIRM_ACTIONS,
        "versions": versions_table(deal),
        "rows": ROWS,
        "accept_reasons": [checks.reason_text(r) for r in reasons],
        "counter_form": counter_form,
        "counter_akad_fields": AKAD_FIELDS.get(chosen, ()) if chosen in allowed else None,
        "counter_choices": counter_choices,
        "counter_opened": bool(counter_akad),
        "forms": forms,
        "note_form": note,
        "state_labels": STATE_LABELS,
        "action_labels": action_labels(deal),
        "side_labels": SIDE_LABELS,
        "bundle": bundle,
        "settlement": reciprocal.settlement(bundle) if bundle else None,
        "bundle_offers": bundle_offers(deal) if side and bundle is None else [],
        "amount_due": facts.amount_due(deal),
        "rated": any(r.rater_pesantren_id == mine for r in deal.ratings),
        **sharia_facts(deal, side, bundle, over),
    }


def interest_warning(deal: Deal) -> str | None:
    """The warning shown when a term or message speaks of denda/bunga (fatwa 17/2000)."""
    texts = [v.message for v in deal.versions] + [v.handover_place for v in deal.versions]
    return _(rules.INTEREST_WARNING) if rules.speaks_of_interest(*texts) else None


def sharia_facts(deal: Deal, side, bundle, over: int) -> dict:
    """What the deal page shows of the akad rules: the salam prepayment at acceptance, money
    owed back, the bundle's settlement and untying, the denda/bunga warning."""
    current = deal.current_terms
    mine = None
    if side is not None:
        mine = deal.seller_pesantren_id if side is Side.SELLER else deal.buyer_pesantren_id
    plan = reciprocal.settlement(bundle) if bundle else None
    return {
        "salam_prepaid_at_acceptance": current.akad == Akad.SALAM and deal.accepted_version is None,
        "refund_owed": over,
        "interest_warning": interest_warning(deal),
        "due_date": deal.due_date if deal.accepted_version else None,
        "may_settle": bool(
            bundle
            and bundle.settled_at is None
            and mine is not None
            and (not plan.net or plan.debtor_id == mine)
        ),
        "untie_asked_by_me": bool(bundle and mine and bundle.untie_requested_by == mine),
        "untie_asked_by_other": bool(
            bundle and mine and bundle.untie_requested_by not in (None, mine)
        ),
    }


def leg_total(deal: Deal) -> int:
    """What the buyer owes on a deal: the contract's total once signed, else the current terms'."""
    return deal.contract.total if deal.contract else deal.current_terms.total


def bundle_offers(deal: Deal) -> list[dict]:
    """The deals a party may tie with this one, each with its own form (for the deal page)."""
    offers = []
    for other in queries.bundle_candidates(deal):
        form = BundleForm(formdata=None)
        form.other_deal_id.data = str(other.id)
        offers.append(
            {
                "deal": other,
                "number": other.contract.number if other.contract else f"#{other.id}",
                "total": leg_total(other),
                "form": form,
            }
        )
    return offers


_SIMPLE = (
    "reject",
    "withdraw",
    "ship",
    "complete",
    "resolve",
    "request_cancel",
    "agree_cancel",
    "decline_cancel",
    "cancel_refund",
    "confirm_receipt",
)


# The moves that cannot be undone: asked once on a page of their own (no JavaScript needed).
CONFIRM_ACTIONS = ("reject", "withdraw", "request_cancel", "agree_cancel")
REASON_NEEDED = ("request_cancel",)
_CONFIRM_TEXT = {
    "reject": (
        _l("Tolak tawaran ini?"),
        _l("Negosiasi berakhir dan tidak dapat dibuka kembali; jumlahnya kembali ke listing."),
    ),
    "withdraw": (
        _l("Mundur dari negosiasi ini?"),
        _l("Negosiasi berakhir untuk kedua pihak dan tidak dapat dilanjutkan."),
    ),
    "request_cancel": (
        _l("Minta pembatalan kesepakatan ini?"),
        _l("Pihak lain membaca alasan Anda lalu menyetujui atau menolak pembatalan."),
    ),
    "agree_cancel": (
        _l("Setujui pembatalan kesepakatan ini?"),
        _l("Kesepakatan dibatalkan untuk kedua pihak; ini tidak dapat diurungkan."),
    ),
}


def confirm_page(deal: Deal, action: str, form: NoteForm) -> dict:
    """What the confirmation page of a move shows (``templates/site/confirm.html``)."""
    from flask import url_for

    question, consequence = _CONFIRM_TEXT[action]
    form.version.data = str(deal.terms_version)
    if action in REASON_NEEDED:
        form.note.label.text = _("Alasan pembatalan")
    return {
        "title": f"{action_labels(deal)[action]} · {pgettext('one object', 'Kesepakatan')} "
        f"#{deal.id}",
        "question": question,
        "consequence": consequence,
        "action": url_for("deals.move", deal_id=deal.id, action=action),
        "button": action_labels(deal)[action],
        "back": url_for("deals.detail", deal_id=deal.id),
        "form": form,
        "reason": "note" if action in REASON_NEEDED else None,
    }
