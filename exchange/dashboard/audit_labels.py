"""The audit log in words: event kinds, object types, detail keys and values as readers say them.

The stored kinds stay the stable codes ("listing.hidden") that the filter and the CSV use; the
page shows them in the reader's language, and an unknown code is shown as it is.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from exchange.deals.labels import ACTION_LABELS, STATE_LABELS
from exchange.i18n import rupiah, short_date

# A name for one object ("Deal #28"), not a page's title ("Deals"): a context of its own.
OBJECTS = {
    "listing": lazy_pgettext("one object", "Listing"),
    "deal": lazy_pgettext("one object", "Kesepakatan"),
    "dealbundle": _l("Paket timbal balik"),
    "bundle": _l("Paket timbal balik"),
    "pesantren": lazy_pgettext("one object", "Pesantren"),
    "user": _l("Akun"),
    "commodity": _l("Komoditas"),
    "digest": _l("Ringkasan"),
    "digestsettings": _l("Ringkasan"),
    "proposal": _l("Usulan"),
    "matching": _l("Pencocokan"),
    "matchrun": _l("Putaran pencocokan"),
    "nettingrun": _l("Putaran kliring"),
    "deletionrequest": _l("Permintaan penghapusan data"),
    "apitoken": _l("Token API"),
    "payment": _l("Pembayaran"),
}
# Kinds said whole: those whose object and verb do not make a phrase of the two tables below.
KINDS = {
    "freight.accepted": _l("Angkutan bersama diterima"),
    "freight.declined": _l("Angkutan bersama ditolak"),
    "freight.planned": _l("Angkutan bersama direncanakan"),
    "pesantren.imported": _l("Pesantren diimpor dari daftar binaan"),
    "registry.imported": _l("Daftar pesantren binaan diimpor"),
    "user.invitation_sent": _l("Undangan pengelola dikirim"),
    "pool.opened": _l("Patungan dibuka"),
    "pool.joined": _l("Bergabung dalam patungan"),
    "pool.left": _l("Keluar dari patungan"),
    "pool.matched": _l("Patungan disepakati penjual"),
    "pool.shipped": _l("Patungan dikirim ke titik kumpul"),
    "pool.closed": _l("Patungan ditutup"),
    "pool.share_to_request": _l("Bagian patungan dijadikan permintaan"),
    "standing.created": _l("Kebutuhan rutin dibuat"),
    "standing.posted": _l("Kebutuhan rutin diposting"),
    "standing.refused": _l("Kebutuhan rutin tidak dapat diposting"),
    "standing.skipped": _l("Periode kebutuhan rutin dilewati"),
    "standing.stopped": _l("Kebutuhan rutin dihentikan"),
    "webhook.set": _l("Webhook dipasang"),
    "webhook.removed": _l("Webhook dilepas"),
    "api.token_created": _l("Token API dibuat"),
    "api.token_revoked": _l("Token API dicabut"),
    "deal.bundle_settled": _l("Paket timbal balik diselesaikan"),
    "deal.untie_requested": _l("Minta lepas ikatan timbal balik"),
    "deal.untied": _l("Ikatan timbal balik dilepas"),
    "dispute.cancelled_with_refund": _l("Sengketa: dibatalkan dengan pengembalian dana"),
    "dispute.referred": _l("Sengketa dirujuk ke Basyarnas"),
    "dispute.settled": _l("Sengketa diselesaikan"),
    "matching.run": _l("Pencocokan dijalankan"),
    "netting.started": _l("Putaran kliring dimulai"),
    "netting.applied": _l("Kliring diterapkan"),
    "netting.payment": _l("Pembayaran dicatat oleh kliring"),
    "netting.recomputed": _l("Kliring dihitung ulang"),
    "netting.confirmed": _l("Kliring disetujui pihak"),
    "netting.declined": _l("Kliring ditolak pihak"),
    "netting.pending": _l("Jawaban kliring dibuka lagi"),
    "privacy.anonymised": _l("Data pribadi dianonimkan"),
    "privacy.declined": _l("Permintaan penghapusan data ditolak"),
    "privacy.deletion_requested": _l("Penghapusan data diminta"),
    "user.deactivated": _l("Akun dinonaktifkan"),
    "deal.unwound": _l("Pertukaran paket dibatalkan, dilunasi tunai"),
    "netting.lapsed": _l("Kliring tidak dijawab tepat waktu (dianggap menolak)"),
    "whatsapp.code_sent": _l("Kode WhatsApp dikirim"),
    "whatsapp.confirmed": _l("Nomor WhatsApp dikonfirmasi"),
    "whatsapp.opt_in": _l("Pesan WhatsApp diaktifkan"),
    "whatsapp.opt_out": _l("Pesan WhatsApp dihentikan"),
    "whatsapp.preferences": _l("Pilihan saluran pesan diubah"),
    "whatsapp.removed": _l("Nomor WhatsApp dihapus"),
}
VERBS = {
    "created": _l("dibuat"),
    "updated": _l("diubah"),
    "edited": _l("diubah"),
    "hidden": _l("disembunyikan staf"),
    "unhidden": _l("ditampilkan lagi"),
    "withdrawn": _l("ditarik"),
    "expired": _l("kedaluwarsa"),
    "registered": _l("didaftarkan"),
    "verified": _l("diverifikasi"),
    "rejected": _l("ditolak"),
    "suspended": _l("ditangguhkan"),
    "pending": _l("menunggu verifikasi"),
    "activated": _l("diaktifkan"),
    "locked": _l("dikunci"),
    "password_changed": _l("kata sandi diganti"),
    "password_reset": _l("kata sandi disetel ulang"),
    "reset_requested": _l("minta setel ulang kata sandi"),
    "settings": _l("pengaturan diubah"),
    "unsubscribed": _l("berhenti berlangganan"),
    "frequency": _l("frekuensi diubah"),
    "declined": _l("ditolak"),
    "run": _l("dijalankan"),
    "bundled": _l("diikat timbal balik"),
    "opened": _l("dibuka"),
}
KEYS = {
    "reason": _l("alasan"),
    "previous_reason": _l("alasan sebelumnya"),
    "side": _l("sisi"),
    "changed": _l("diubah"),
    "fields": _l("isian"),
    "from_state": _l("dari status"),
    "to_state": _l("ke status"),
    "from_status": _l("dari status"),
    "frequency": _l("frekuensi"),
    "locale": _l("bahasa"),
    "role": _l("peran"),
    "offer": _l("penawaran"),
    "request": _l("permintaan"),
    "listings": _l("listing"),
    "pairs": _l("pasangan"),
    "proposals": _l("usulan"),
    "slug": _l("kode"),
    "window_end": _l("akhir masa"),
    "leg_a": _l("kesepakatan A"),
    "leg_b": _l("kesepakatan B"),
    "proposal_id": _l("usulan"),
    "listing_id": _l("listing"),
    "digest": _l("ringkasan"),
    "committed": _l("terikat"),
    "previous": _l("sebelumnya"),
    "action": _l("langkah"),
    "cleared": _l("diperhitungkan"),
    "total": _l("jumlah"),
    "net": _l("selisih bersih"),
    "refund": _l("pengembalian dana"),
    "paid": _l("sudah dibayar"),
    "amount": _l("jumlah"),
    "welfare": _l("manfaat bersih"),
    "debtor": _l("pihak yang membayar"),
    "note": _l("catatan"),
    "scopes": _l("cakupan"),
    "excluded_declined": _l("usulan ditolak yang dilewati"),
    "deal_id": _l("kesepakatan"),
    "run_id": _l("putaran kliring"),
}
# Details that are amounts of money: written as Rupiah, never as a bare number.
MONEY_KEYS = frozenset({"cleared", "total", "net", "refund", "paid", "amount", "welfare"})
STATUS_KEYS = frozenset({"from_state", "to_state", "from_status"})


def kind_label(kind: str) -> str:
    """``listing.hidden`` -> "Listing disembunyikan staf"."""
    if kind in KINDS:
        return str(KINDS[kind])
    obj, _sep, verb = (kind or "").partition(".")
    if obj == "deal" and verb in ACTION_LABELS:
        return f"{OBJECTS['deal']}: {ACTION_LABELS[verb]}"
    if obj in OBJECTS and verb in VERBS:
        return f"{OBJECTS[obj]} {VERBS[verb]}"
    return kind


def object_label(object_type: str) -> str:
    return str(OBJECTS.get(object_type, object_type or "-"))


def key_label(key: str) -> str:
    return str(KEYS.get(key, key))


def value_label(key: str, value) -> str:
    """A detail's value in words: a status by its label, money in Rupiah, a date as a date,
    yes or no for a flag; anything else as stored."""
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if key in MONEY_KEYS and isinstance(value, int | float | str):
        try:
            return rupiah(float(value))
        except ValueError:
            return str(value)
    if key in STATUS_KEYS and isinstance(value, str):
        if value in STATE_LABELS:
            return str(STATE_LABELS[value])
        if value in VERBS:
            return str(VERBS[value])
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return short_date(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)
