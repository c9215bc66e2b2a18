"""The deals' words: the labels of states, moves, sides and transport, and what a deal waits on
someone to do (the label of ``states.awaited_action``). Pages, reminders and the audit log
read them here, so each label is written once."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from exchange.deals.states import Action, State

STATE_LABELS = {
    State.NEGOTIATING: _l("Negosiasi"),
    "rejected": _l("Ditolak"),
    "withdrawn": _l("Mundur"),
    "expired": _l("Kedaluwarsa"),
    State.SIGNED: _l("Disepakati"),
    State.SHIPPED: _l("Dikirim"),
    State.RECEIVED: _l("Diterima"),
    "completed": _l("Selesai"),
    State.DISPUTED: _l("Sengketa"),
    "cancelled": _l("Dibatalkan"),
}


ACTION_LABELS = {
    "open": _l("Membuka negosiasi"),
    "counter": _l("Tawaran balik"),
    "accept": _l("Terima"),
    "reject": _l("Tolak"),
    "withdraw": _l("Mundur dari negosiasi"),
    "expire": _l("Kedaluwarsa"),
    "pay": _l("Catat pembayaran"),
    "ship": _l("Tandai dikirim"),
    "receive": _l("Catat penerimaan (BAST)"),
    "complete": _l("Selesaikan"),
    "dispute": _l("Ajukan sengketa"),
    "resolve": _l("Cabut sengketa"),
    "settle": _l("Penyelesaian sengketa disepakati (staf)"),
    "staff_cancel": _l("Dibatalkan dengan pengembalian dana (staf)"),
    "refer": _l("Dirujuk ke Basyarnas (staf)"),
    "request_cancel": _l("Minta pembatalan"),
    "agree_cancel": _l("Setujui pembatalan"),
    "decline_cancel": _l("Tolak pembatalan"),
    "rate": _l("Beri penilaian"),
    "wait": _l("Tunggu barang sampai tanggal baru"),
    "cancel_refund": _l("Batalkan dengan pengembalian uang"),
    "refund": _l("Catat pengembalian uang"),
    "confirm_receipt": _l("Konfirmasi harga salam telah diterima"),
    "lapse": _l("Gugur: harga salam tidak dikonfirmasi penjual"),
    "ribawi_breach": _l("Pelanggaran satu majelis (barang ribawi paket)"),
}


SIDE_LABELS = {"seller": _l("Penjual"), "buyer": _l("Pembeli")}


TRANSPORT_LABELS = {"seller": _l("Penjual mengantar"), "buyer": _l("Pembeli mengambil")}


#: What the deal waits on the reader to do (``states.awaited_action``): the dashboard's
#: "Menunggu Anda", the reminders, the deal list.
AWAITED_LABELS = {
    Action.COUNTER: _l("Menjawab tawaran"),
    Action.PAY: _l("Membayar"),
    Action.SHIP: _l("Mengirim barang"),
    Action.RECEIVE: _l("Menerima barang dan mengisi berita acara"),
    Action.COMPLETE: _l("Menyelesaikan kesepakatan"),
    Action.RESOLVE: _l("Menyelesaikan sengketa"),
    Action.AGREE_CANCEL: _l("Menjawab permintaan pembatalan"),
    Action.REFUND: _l("Mengembalikan kelebihan bayar"),
    Action.WAIT: _l("Memilih: menunggu barang atau membatalkan"),
}


def awaited_label(action: Action | None) -> str:
    """The words for what a deal waits on someone to do ("" when it waits on nobody)."""
    if action is None:
        return ""
    return str(AWAITED_LABELS.get(action, ACTION_LABELS.get(action.value, action.value)))
