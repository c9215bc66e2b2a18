"""The words of the freight vocabulary, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from exchange.freight.policy import Answer, StopKind, TripState

STATE_LABELS = {
    TripState.PROPOSED: _l("Menunggu jawaban"),
    TripState.AGREED: _l("Disepakati semua pihak"),
    TripState.DECLINED: _l("Ditolak"),
    TripState.LAPSED: _l("Gugur"),
}
ANSWER_LABELS = {
    Answer.PENDING: _l("Belum menjawab"),
    Answer.ACCEPTED: _l("Menerima"),
    Answer.DECLINED: _l("Menolak"),
}
STOP_LABELS = {StopKind.PICKUP: _l("Muat"), StopKind.DROP: _l("Bongkar")}
VEHICLE_LABELS = {
    "pickup": _l("Pikap (bak terbuka)"),
    "engkel": _l("Truk engkel (CDE)"),
    "truk": _l("Truk besar (fuso/wingbox)"),
}
