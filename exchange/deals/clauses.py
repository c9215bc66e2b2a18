"""The contract's clauses: the general ones and each akad's own (msgids; the document translates
them). Pure."""

from __future__ import annotations

from exchange.akad import Akad
from exchange.deals.states import N_

OWNED = N_("Barang yang diperjualbelikan halal, dimiliki penjual, dan dapat diserahkan.")
# Salam and istisna' sell goods that do not exist yet (a liability, or made to order): never
# "owned by the seller" (issue 25).
NOT_YET = N_("Barang yang diperjualbelikan halal dan diserahkan pada waktu yang disepakati.")
KHIYAR_AIB = N_("Pembeli berhak mengembalikan barang yang cacat (khiyar 'aib).")
DISPUTES = N_(
    "Perselisihan diselesaikan secara musyawarah; bila tidak tercapai, melalui Badan "
    "Arbitrase Syariah Nasional (Basyarnas)."
)
GENERAL_CLAUSES = (OWNED, KHIYAR_AIB, DISPUTES)


AKAD_CLAUSES = {
    Akad.TUNAI: (N_("Harga dibayar tunai pada saat penyerahan barang."),),
    Akad.TEMPO: (
        N_("Harga dibayar paling lambat pada tanggal jatuh tempo yang disepakati."),
        N_("Tidak ada tambahan atau bunga atas keterlambatan pembayaran."),
    ),
    Akad.SALAM: (
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
    Akad.ISTISNA: (
        N_("Barang dibuat sesuai pesanan dengan spesifikasi dalam akad ini."),
        N_("Pembayaran dilakukan sesuai jadwal tahapan yang disepakati."),
        N_(
            "Bila barang cacat atau tidak sesuai pesanan, pemesan berhak melanjutkan atau "
            "membatalkan (khiyar)."
        ),
    ),
    Akad.MURABAHAH: (
        N_("Penjual telah memiliki barang dan mengungkapkan harga pokok dan marginnya."),
        N_("Harga ditetapkan pada saat akad dan tidak bertambah karena keterlambatan pembayaran."),
    ),
}


def clauses(akad: str) -> tuple[str, ...]:
    """The clauses of one akad, then the general ones (msgids). Salam and istisna': the goods
    are not yet the seller's; istisna' keeps its own khiyar clause only."""
    if akad == Akad.SALAM:
        general = (NOT_YET, KHIYAR_AIB, DISPUTES)
    elif akad == Akad.ISTISNA:
        general = (NOT_YET, DISPUTES)
    else:
        general = GENERAL_CLAUSES
    return AKAD_CLAUSES.get(akad, ()) + general
