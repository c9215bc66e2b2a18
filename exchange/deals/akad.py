"""The akad (contract type) rules of DOMAIN.md section 7, as pure checks that return reasons.

Each check takes plain frozen dataclasses and returns a list of ``Reason`` (empty: all is well).
The pages show the reasons before anyone can accept; the services refuse with the first one.
Pure: no Flask, no database, no clock (today is passed in).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date

from exchange.akad import AKAD_LABELS, AKAD_ORDER, Akad
from exchange.deals import bounds
from exchange.deals.reasons import Reason
from exchange.deals.states import N_
from exchange.deals.terms import TRANSPORT, Goods, Stage, Terms

__all__ = ["AKAD_LABELS", "AKAD_ORDER", "TRANSPORT", "Goods", "Reason", "Stage", "Terms"]
# re-exported: callers write ``akad.Reason``, ``akad.Terms``


def offered_akad(listing_akad: Sequence[Iterable[str]], goods: Goods) -> list[str]:
    """The akad every listing involved accepts, in a fixed order; istisna' only for goods made
    to order."""
    allowed = set(AKAD_ORDER)
    for accepted in listing_akad:
        allowed &= set(accepted)
    if not goods.made_to_order:
        allowed.discard(Akad.ISTISNA)
    return [a for a in AKAD_ORDER if a in allowed]


def check_terms(terms: Terms, goods: Goods, allowed: Sequence[str], today: date) -> list[Reason]:
    """Every reason the terms cannot be agreed as they stand."""
    reasons = _check_common(terms, allowed, today)
    rule = _RULES.get(terms.akad)
    if rule is not None:
        reasons.extend(rule(terms, goods, today))
    return reasons


def _check_dates(terms: Terms, today: date) -> list[Reason]:
    # A handover date in the past has its own reason (handover_past): only the far end here.
    r = bounds.check_agreed_date(
        terms.handover_date, date.min, today, "handover_date", N_("Tanggal penyerahan")
    )
    r += bounds.check_agreed_date(
        terms.payment_due_date, today, today, "payment_due_date", N_("Jatuh tempo pembayaran")
    )
    for stage in terms.schedule:
        found = bounds.check_agreed_date(
            stage.due, today, today, "schedule", N_("Tanggal tahap pembayaran")
        )
        if found:
            r += found
            break
    return r


def _check_common(terms: Terms, allowed: Sequence[str], today: date) -> list[Reason]:
    r: list[Reason] = []
    r += bounds.check_quantity(terms.quantity)
    r += bounds.check_unit_price(terms.unit_price)
    if not r and terms.total > bounds.MAX_TOTAL:
        r.append(Reason("total_max", N_("Total harga terlalu besar."), "quantity"))
    for label, value in (("cost_price", terms.cost_price), ("margin", terms.margin)):
        if value is not None and value > bounds.MAX_UNIT_PRICE:
            r.append(
                Reason(
                    "price_max",
                    N_("Harga satuan terlalu tinggi: paling banyak %(max)s."),
                    label,
                    {"max": bounds.MAX_UNIT_PRICE},
                )
            )
    if terms.akad not in AKAD_ORDER:
        r.append(Reason("akad_unknown", N_("Pilih jenis akad."), "akad"))
    elif terms.akad not in allowed:
        r.append(
            Reason(
                "akad_not_offered",
                N_("Akad ini tidak diterima oleh kedua listing."),
                "akad",
            )
        )
    if terms.handover_date is None:
        r.append(Reason("handover_date", N_("Isi tanggal penyerahan."), "handover_date"))
    elif terms.handover_date < today:
        r.append(Reason("handover_past", N_("Tanggal penyerahan sudah lewat."), "handover_date"))
    r += _check_dates(terms, today)
    if not terms.handover_place.strip():
        r.append(Reason("handover_place", N_("Isi lokasi penyerahan."), "handover_place"))
    if terms.transport not in TRANSPORT:
        r.append(Reason("transport", N_("Pilih siapa yang mengangkut barang."), "transport"))
    if terms.schedule and terms.akad != Akad.ISTISNA:
        r.append(
            Reason(
                "schedule_not_allowed",
                N_("Pembayaran bertahap hanya untuk akad istishna'."),
                "schedule",
            )
        )
    if terms.akad != Akad.MURABAHAH and (terms.cost_price is not None or terms.margin is not None):
        r.append(
            Reason(
                "cost_not_allowed",
                N_("Harga pokok dan margin hanya diisi untuk akad murabahah."),
                "cost_price",
            )
        )
    return r


def _tunai(terms: Terms, goods: Goods, today: date) -> list[Reason]:
    if terms.payment_due_date is not None and terms.payment_due_date != terms.handover_date:
        return [
            Reason(
                "tunai_due",
                N_("Jual beli tunai dibayar saat penyerahan; kosongkan tanggal jatuh tempo."),
                "payment_due_date",
            )
        ]
    return []


def _tempo(terms: Terms, goods: Goods, today: date) -> list[Reason]:
    if terms.payment_due_date is None:
        return [
            Reason(
                "tempo_due",
                N_("Jual beli tempo memerlukan tanggal jatuh tempo pembayaran."),
                "payment_due_date",
            )
        ]
    if terms.handover_date and terms.payment_due_date < terms.handover_date:
        return [
            Reason(
                "tempo_due_early",
                N_("Jatuh tempo pembayaran tidak boleh sebelum tanggal penyerahan."),
                "payment_due_date",
            )
        ]
    return []


def _salam(terms: Terms, goods: Goods, today: date) -> list[Reason]:
    r: list[Reason] = []
    if terms.handover_date is not None and terms.handover_date <= today:
        r.append(
            Reason(
                "salam_future",
                N_(
                    "Pada akad salam, barang diserahkan kemudian: tanggal penyerahan harus "
                    "sesudah tanggal akad."
                ),
                "handover_date",
            )
        )
    if terms.grade is None:
        r.append(Reason("salam_grade", N_("Akad salam memerlukan mutu yang pasti."), "grade"))
    if terms.payment_due_date is not None and terms.payment_due_date != today:
        r.append(
            Reason(
                "salam_paid_at_signing",
                N_("Pada akad salam, harga dibayar lunas saat akad; tidak boleh ditunda."),
                "payment_due_date",
            )
        )
    return r


def _istisna(terms: Terms, goods: Goods, today: date) -> list[Reason]:
    r: list[Reason] = []
    if not goods.made_to_order:
        r.append(
            Reason(
                "istisna_made_to_order",
                N_(
                    "Akad istishna' hanya untuk barang yang dibuat sesuai pesanan (ditandai di "
                    "katalog komoditas)."
                ),
                "akad",
            )
        )
    if terms.schedule:
        if any(s.amount <= 0 for s in terms.schedule):
            r.append(
                Reason(
                    "stage_amount", N_("Setiap tahap pembayaran harus lebih dari nol."), "schedule"
                )
            )
        if sum(s.amount for s in terms.schedule) != terms.total:
            r.append(
                Reason(
                    "stage_sum",
                    N_("Jumlah tahap pembayaran harus sama dengan total harga (%(total)s)."),
                    "schedule",
                    {"total": terms.total},
                )
            )
        if list(terms.schedule) != sorted(terms.schedule, key=lambda s: s.due):
            r.append(
                Reason("stage_order", N_("Urutkan tahap pembayaran menurut tanggal."), "schedule")
            )
    return r


def _murabahah(terms: Terms, goods: Goods, today: date) -> list[Reason]:
    """While negotiating, cost and margin may still be missing (the seller states them before
    the buyer can accept: ``check_disclosure``); when given, they must add up to the price."""
    if terms.cost_price is None and terms.margin is None:
        return []
    if terms.cost_price is None or terms.margin is None:
        return [
            Reason(
                "murabahah_disclose",
                N_("Pada akad murabahah, penjual wajib menyebutkan harga pokok dan margin."),
                "cost_price",
            )
        ]
    r: list[Reason] = []
    if terms.cost_price <= 0 or terms.margin < 0:
        r.append(
            Reason(
                "murabahah_values",
                N_("Harga pokok harus lebih dari nol dan margin tidak boleh negatif."),
                "cost_price",
            )
        )
    if terms.cost_price + terms.margin != terms.unit_price:
        r.append(
            Reason(
                "murabahah_sum",
                N_("Harga satuan harus sama dengan harga pokok ditambah margin."),
                "unit_price",
            )
        )
    return r


NO_DISCLOSURE: tuple[int | None, int | None, bool] = (None, None, False)


def check_disclosure_author(
    terms: Terms, side: str, seller_stated: tuple[int | None, int | None, bool] | None
) -> list[Reason]:
    """Murabahah (fatwa 04/2000): only the seller knows and states its acquisition cost, its
    margin and that it owns the goods. A buyer's terms carry the seller's last statement
    unchanged (``seller_stated``; None: the seller stated nothing yet) or state nothing."""
    if terms.akad != Akad.MURABAHAH or side != "buyer":
        return []
    if terms.disclosure in (seller_stated or NO_DISCLOSURE, NO_DISCLOSURE):
        return []
    return [
        Reason(
            "murabahah_seller_states",
            N_(
                "Pada akad murabahah, hanya penjual yang menyebutkan harga pokok, margin dan "
                "kepemilikan barang; kosongkan isian itu atau pakai pernyataan penjual."
            ),
            "cost_price",
        )
    ]


def check_disclosure(terms: Terms, stated_by_seller: bool) -> list[Reason]:
    """Murabahah: before the terms can be accepted the seller has stated its cost (> 0), its
    margin (>= 0), price = cost + margin, and that it owns the goods (fatwa 04/2000)."""
    if terms.akad != Akad.MURABAHAH:
        return []
    if terms.cost_price is None or terms.margin is None or not stated_by_seller:
        return [
            Reason(
                "murabahah_not_stated",
                N_(
                    "Akad murabahah baru dapat disepakati setelah penjual menyebutkan harga "
                    "pokok perolehan dan marginnya (tawaran balik penjual)."
                ),
                "cost_price",
            )
        ]
    if not terms.seller_owns:
        return [
            Reason(
                "murabahah_owned",
                N_(
                    "Pada akad murabahah, penjual harus sudah memiliki barang sebelum menjualnya; "
                    "penjual menyatakannya dalam tawaran."
                ),
                "seller_owns",
            )
        ]
    return []


_RULES = {
    Akad.TUNAI: _tunai,
    Akad.TEMPO: _tempo,
    Akad.SALAM: _salam,
    Akad.ISTISNA: _istisna,
    Akad.MURABAHAH: _murabahah,
}


# After signing ---------------------------------------------------------------------------------


def is_deferred(terms: Terms) -> bool:
    """Does the goods or the price come later than the handover session? Tempo and salam always,
    istishna' (made later, often paid in stages), murabahah when paid after the handover."""
    if terms.akad in (Akad.TEMPO, Akad.SALAM, Akad.ISTISNA):
        return True
    return (
        terms.akad == Akad.MURABAHAH
        and terms.payment_due_date is not None
        and terms.handover_date is not None
        and terms.payment_due_date > terms.handover_date
    )


def check_grade(
    grade: int | None,
    offer_grade: int | None,
    request_min: int | None,
    label: Callable[[int], str] = str,
) -> list[Reason]:
    """The deal's grade is the offer's (when there is an offer) and at least the request's
    minimum (when there is a request). Grades are ranks: higher is better."""
    if grade is None:
        return []
    if offer_grade is not None and grade != offer_grade:
        return [
            Reason(
                "grade_offer",
                N_("Mutu kesepakatan adalah mutu penawaran (%(grade)s)."),
                "grade",
                {"grade": label(offer_grade)},
            )
        ]
    if request_min is not None and grade < request_min:
        return [
            Reason(
                "grade_below_request",
                N_("Mutu %(grade)s di bawah mutu paling rendah yang diminta (%(min)s)."),
                "grade",
                {"grade": label(grade), "min": label(request_min)},
            )
        ]
    return []


INTEREST_WORDS = re.compile(r"\b(denda|bunga|interest|penalt[iy])", re.IGNORECASE)
INTEREST_WARNING = N_(
    "Keterlambatan pembayaran tidak boleh dikenai bunga atau denda untuk penjual. Yang "
    "dibolehkan (fatwa DSN-MUI 17/2000): sanksi (ta'zir) hanya bagi pembeli yang mampu tetapi "
    "sengaja menunda, dan uangnya disalurkan ke dana sosial, bukan untuk penjual."
)


def speaks_of_interest(*texts: str | None) -> bool:
    """Does a term or message speak of denda/bunga (interest, penalty)? Then the pages warn."""
    return any(INTEREST_WORDS.search(t or "") for t in texts)


SET_OFF_REFUSED = N_(
    "Pembayaran salam/istishna' tidak boleh berupa pembebasan utang; akad ini tidak dapat "
    "diperhitungkan (paket timbal balik atau kliring)."
)


def check_set_off(akad: str) -> list[Reason]:
    """May the price of a sale under ``akad`` be paid by setting it off against a debt (a
    reciprocal bundle's net settlement, a kliring run)? Not for salam (fatwa 05/2000) nor
    istisna' (06/2000): their price may not take the form of releasing a debt. The one rule
    for set-off; bundles and kliring both ask it."""
    if akad in (Akad.SALAM, Akad.ISTISNA):
        return [Reason("set_off_refused", SET_OFF_REFUSED, "akad")]
    return []


def check_relisting(
    undelivered_salam_commodities: Iterable[int], commodity_id: int
) -> list[Reason]:
    """Salam: the buyer may not re-sell goods it has not yet received."""
    if commodity_id in set(undelivered_salam_commodities):
        return [
            Reason(
                "salam_relisting",
                N_(
                    "Barang ini dibeli dengan akad salam dan belum diterima; belum boleh "
                    "dijual kembali."
                ),
            )
        ]
    return []
