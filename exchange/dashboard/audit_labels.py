"""The audit log in words: event kinds, object types and detail keys as readers say them.

The stored kinds stay the stable codes ("listing.hidden") that the filter and the CSV use; the
page shows them in the reader's language, and an unknown code is shown as it is.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from exchange.deals.labels import ACTION_LABELS

OBJECTS = {
    "listing": _l("Listing"),
    "deal": _l("Kesepakatan"),
    "dealbundle": _l("Paket timbal balik"),
    "pesantren": _l("Pesantren"),
    "user": _l("Akun"),
    "commodity": _l("Komoditas"),
    "digest": _l("Ringkasan"),
    "proposal": _l("Usulan"),
    "matching": _l("Pencocokan"),
    "matchrun": _l("Putaran pencocokan"),
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
}


def kind_label(kind: str) -> str:
    """``listing.hidden`` -> "Listing disembunyikan staf"."""
    obj, _sep, verb = (kind or "").partition(".")
    if obj == "deal" and verb in ACTION_LABELS:
        return f"{_('Kesepakatan')}: {ACTION_LABELS[verb]}"
    if obj in OBJECTS and verb in VERBS:
        return f"{OBJECTS[obj]} {VERBS[verb]}"
    return kind


def object_label(object_type: str) -> str:
    return str(OBJECTS.get(object_type, object_type or "-"))


def key_label(key: str) -> str:
    return str(KEYS.get(key, key))
