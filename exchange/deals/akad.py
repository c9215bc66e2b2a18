"""The akad (contract type) rules of DOMAIN.md section 7, as pure checks that return reasons.

Each check takes plain frozen dataclasses and returns a list of ``Reason`` (empty: all is well).
The pages show the reasons before anyone can accept; the services refuse with the first one.
Pure: no Flask, no database, no clock (today is passed in).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from exchange.deals.states import N_

AKAD_ORDER = ("tunai", "tempo", "salam", "istisna", "murabahah")
AKAD_LABELS = {
    "tunai": N_("Jual Beli Tunai"),
    "tempo": N_("Jual Beli Tempo"),
    "salam": N_("Akad Salam"),
    "istisna": N_("Akad Istishna'"),
    "murabahah": N_("Akad Murabahah"),
}
TRANSPORT = ("seller", "buyer")


@dataclass(frozen=True)
class Reason:
    code: str
    message: str  # a msgid; the shell translates it with ``params``
    field: str | None = None
    params: dict = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Stage:
    """One payment stage of an istisna' schedule."""

    due: date
    amount: int


@dataclass(frozen=True)
class Terms:
    quantity: int
    unit_price: int
    akad: str
    handover_date: date | None
    handover_place: str = ""
    transport: str = "seller"
    grade: int | None = None
    payment_due_date: date | None = None
    schedule: tuple[Stage, ...] = ()
    cost_price: int | None = None  # murabahah: per unit, disclosed
    margin: int | None = None  # murabahah: per unit, disclosed

    @property
    def total(self) -> int:
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class Goods:
    is_food: bool
    is_ribawi: bool = False


def offered_akad(listing_akad: Sequence[Iterable[str]], goods: Goods) -> list[str]:
    """The akad every listing involved accepts, in a fixed order; istisna' never for food."""
    allowed = set(AKAD_ORDER)
    for accepted in listing_akad:
        allowed &= set(accepted)
    if goods.is_food:
        allowed.discard("istisna")
    return [a for a in AKAD_ORDER if a in allowed]


def check_terms(terms: Terms, goods: Goods, allowed: Sequence[str], today: date) -> list[Reason]:
    """Every reason the terms cannot be agreed as they stand."""
    reasons = _check_common(terms, allowed, today)
    rule = _RULES.get(terms.akad)
    if rule is not None:
        reasons.extend(rule(terms, goods, today))
    return reasons


def _check_common(terms: Terms, allowed: Sequence[str], today: date) -> list[Reason]:
    r: list[Reason] = []
    if terms.quantity <= 0:
        r.append(Reason("quantity", N_("Jumlah harus lebih dari nol."), "quantity"))
    if terms.unit_price <= 0:
        r.append(Reason("price", N_("Harga satuan harus lebih dari nol."), "unit_price"))
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
    if not terms.handover_place.strip():
        r.append(Reason("handover_place", N_("Isi lokasi penyerahan."), "handover_place"))
    if terms.transport not in TRANSPORT:
        r.append(Reason("transport", N_("Pilih siapa yang mengangkut barang."), "transport"))
    if terms.schedule and terms.akad != "istisna":
        r.append(
            Reason(
                "schedule_not_allowed",
                N_("Pembayaran bertahap hanya untuk akad istishna'."),
                "schedule",
            )
        )
    if terms.akad != "murabahah" and (terms.cost_price is not None or terms.margin is not None):
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
    if goods.is_food:
        r.append(
            Reason(
                "istisna_food",
                N_("Akad istishna' hanya untuk barang pesanan (bukan bahan pangan)."),
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


_RULES = {
    "tunai": _tunai,
    "tempo": _tempo,
    "salam": _salam,
    "istisna": _istisna,
    "murabahah": _murabahah,
}


# After signing ---------------------------------------------------------------------------------


def buyer_pays_first(akad: str) -> bool:
    """Salam: the price is paid in full at signing, before the goods are delivered."""
    return akad == "salam"


def check_payment(akad: str, amount: int, paid: int, total: int) -> list[Reason]:
    """May the buyer record a payment of ``amount`` when ``paid`` of ``total`` is recorded?"""
    if amount <= 0:
        return [Reason("pay_positive", N_("Jumlah pembayaran harus lebih dari nol."), "amount")]
    if paid + amount > total:
        return [
            Reason(
                "pay_over",
                N_("Pembayaran melebihi sisa tagihan (%(left)s)."),
                "amount",
                {"left": total - paid},
            )
        ]
    if akad in ("salam", "tunai") and paid + amount != total:
        return [
            Reason(
                "pay_in_full",
                N_("Akad ini dibayar lunas sekaligus (%(left)s), tanpa cicilan."),
                "amount",
                {"left": total - paid},
            )
        ]
    return []


def check_ship(akad: str, paid: int, total: int) -> list[Reason]:
    if buyer_pays_first(akad) and paid < total:
        return [
            Reason(
                "salam_unpaid",
                N_("Pada akad salam, harga harus lunas sebelum barang dikirim."),
            )
        ]
    return []


def check_complete(paid: int, total: int) -> list[Reason]:
    if paid < total:
        return [
            Reason(
                "unpaid",
                N_("Kesepakatan baru dapat diselesaikan setelah pembayaran lunas."),
            )
        ]
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


# Contract clauses -------------------------------------------------------------------------------

GENERAL_CLAUSES = (
    N_("Barang yang diperjualbelikan halal, dimiliki penjual, dan dapat diserahkan."),
    N_("Pembeli berhak mengembalikan barang yang cacat (khiyar 'aib)."),
    N_(
        "Perselisihan diselesaikan secara musyawarah; bila tidak tercapai, melalui Badan "
        "Arbitrase Syariah Nasional (Basyarnas)."
    ),
)

AKAD_CLAUSES = {
    "tunai": (N_("Harga dibayar tunai pada saat penyerahan barang."),),
    "tempo": (
        N_("Harga dibayar paling lambat pada tanggal jatuh tempo yang disepakati."),
        N_("Tidak ada tambahan atau bunga atas keterlambatan pembayaran."),
    ),
    "salam": (
        N_("Harga dibayar lunas pada saat akad, tidak dicicil dan tidak berupa pembebasan utang."),
        N_(
            "Jenis, mutu, jumlah, tanggal dan tempat penyerahan barang ditetapkan dalam akad ini "
            "dan tidak berubah."
        ),
        N_("Pembeli tidak menjual kembali barang sebelum menerimanya."),
        N_(
            "Bila barang tidak tersedia pada waktunya, pembeli memilih membatalkan dengan "
            "pengembalian uang atau menunggu."
        ),
    ),
    "istisna": (
        N_("Barang dibuat sesuai pesanan dengan spesifikasi dalam akad ini."),
        N_("Pembayaran dilakukan sesuai jadwal tahapan yang disepakati."),
        N_(
            "Bila barang cacat atau tidak sesuai pesanan, pemesan berhak melanjutkan atau "
            "membatalkan (khiyar)."
        ),
    ),
    "murabahah": (
        N_("Penjual telah memiliki barang dan mengungkapkan harga pokok dan marginnya."),
        N_("Harga ditetapkan pada saat akad dan tidak bertambah karena keterlambatan pembayaran."),
    ),
}


def clauses(akad: str) -> tuple[str, ...]:
    """The clauses of one akad, then the general ones (msgids)."""
    return AKAD_CLAUSES.get(akad, ()) + GENERAL_CLAUSES
