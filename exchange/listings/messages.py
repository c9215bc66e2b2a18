"""The user's sentence for each problem code of ``rules.check`` (Bahasa Indonesia msgids)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from exchange.i18n import number, rupiah
from exchange.listings.rules import Problem

MESSAGES = {
    "side": _l("Pilih penawaran atau permintaan."),
    "commodity_unknown": _l("Komoditas tidak dikenal; pilih dari daftar."),
    "required": _l("Wajib diisi."),
    "positive": _l("Harus lebih dari nol."),
    "quantity_max": _l("Jumlah terlalu besar: paling banyak %(max)s."),
    "price_max": _l("Harga terlalu tinggi: paling banyak Rp %(max)s per satuan."),
    "min_quantity_max": _l("Minimal pembelian tidak boleh melebihi jumlah listing (%(max)s)."),
    "grade": _l("Pilih salah satu mutu komoditas ini: %(grades)s."),
    "start_past": _l("Tanggal mulai tidak boleh sebelum hari ini."),
    "end_before_start": _l("Tanggal akhir tidak boleh sebelum tanggal mulai."),
    "end_past": _l("Tanggal akhir sudah lewat; pilih hari ini atau sesudahnya."),
    "window_long": _l("Jangka penyerahan paling lama %(max)s hari."),
    "place": _l("Lokasi harus di Jawa Timur."),
    "place_name_required": _l(
        "Barang tidak di pesantren: tulis nama tempat atau alamatnya (misalnya Gudang Bulog "
        "Tandes, Jl. Tandes 12), supaya kontrak menyebut tempatnya dengan kata-kata."
    ),
    "distance_positive": _l("Jarak harus lebih dari nol."),
    "distance_max": _l("Jarak terlalu jauh: paling jauh %(max)s km."),
    "akad_required": _l("Pilih paling sedikit satu akad."),
    "akad_unknown": _l("Akad tidak dikenal."),
    "istisna_made_to_order": _l(
        "Akad istishna' hanya untuk listing barang yang dibuat sesuai pesanan (label sendiri, "
        "jahitan ukuran): tandai listing sebagai barang pesanan."
    ),
    "too_long": _l("Terlalu panjang: paling banyak %(max)s karakter."),
}


def message(problem: Problem) -> str:
    params = {k: number(v) if isinstance(v, int | float) else v for k, v in problem.params.items()}
    return str(MESSAGES[problem.code]) % params if params else str(MESSAGES[problem.code])


def halal_missing() -> str:
    return _(
        "Penawaran bahan pangan ini belum mencantumkan nomor sertifikat halal. Listing tetap "
        "disimpan; tambahkan nomornya bila sudah ada (wajib bagi usaha mikro dan kecil mulai "
        "17 Oktober 2026, PP 42/2024)."
    )


def halal_warning() -> str:
    return _(
        "Nomor sertifikat halal biasanya berbentuk ID diikuti 12-17 angka. Nomor tetap disimpan; "
        "periksa kembali di halal.go.id."
    )


PRICE_WARNINGS = {
    "price_high": _l(
        "Harga ini lebih dari 20%% di atas harga acuan %(kind)s (%(reference)s per %(unit)s). "
        "Listing tetap disimpan; periksa kembali harganya."
    ),
    "above_ceiling": _l(
        "Harga ini di atas HET/HAP untuk mutu %(grade)s (%(reference)s per %(unit)s). "
        "Listing tetap disimpan; periksa kembali harganya."
    ),
    "price_low": _l(
        "Harga ini kurang dari separuh harga acuan %(kind)s (%(reference)s per %(unit)s). "
        "Listing tetap disimpan; periksa kembali harganya."
    ),
}
UNIT_PROBLEMS = {
    "unit_mismatch": _l("Satuan dagang ini tidak cocok dengan satuan komoditas (%(unit)s)."),
    "size_required": _l("Isi berapa %(unit)s dalam satu karung, ekor atau jeriken."),
    "not_whole": _l("Jumlah ini tidak menjadi bilangan bulat %(unit)s; ubah jumlahnya."),
}


def price_warning(code: str, reference: int, unit: str, official: bool, grade: str = "") -> str:
    kind = "HET/HAP" if official else _("(perkiraan)")
    values = {"kind": kind, "reference": rupiah(reference), "unit": unit, "grade": grade}
    return str(PRICE_WARNINGS[code]) % values


def unit_problem(code: str, unit: str) -> str:
    return str(UNIT_PROBLEMS[code]) % {"unit": unit}
