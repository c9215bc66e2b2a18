"""The akad (contract types) of the exchange: one vocabulary for listings, matching and deals.

The codes are stored as they are (``listings.akad``, ``terms_versions.akad``, the engine's
formats); ``AKAD_ORDER`` is the order forms and the engine list them in. The labels are msgids
(the shells translate them): ``AKAD_LABELS`` names the contract ("Akad Salam"),
``AKAD_CHOICE_LABELS`` explains it where a manager picks it for a listing. Pure: no Flask.
"""

from __future__ import annotations

from enum import StrEnum


def N_(message: str) -> str:
    """Mark a message for translation; the shell translates it when it shows it."""
    return message


class Akad(StrEnum):
    TUNAI = "tunai"
    TEMPO = "tempo"
    SALAM = "salam"
    ISTISNA = "istisna"
    MURABAHAH = "murabahah"


AKAD_ORDER: tuple[str, ...] = tuple(a.value for a in Akad)

AKAD_LABELS = {
    Akad.TUNAI: N_("Jual Beli Tunai"),
    Akad.TEMPO: N_("Jual Beli Tempo"),
    Akad.SALAM: N_("Akad Salam"),
    Akad.ISTISNA: N_("Akad Istishna'"),
    Akad.MURABAHAH: N_("Akad Murabahah"),
}

AKAD_CHOICE_LABELS = {
    Akad.TUNAI: N_("Tunai"),
    Akad.TEMPO: N_("Tempo (bayar kemudian)"),
    Akad.SALAM: N_("Salam (bayar di muka, barang kemudian)"),
    Akad.ISTISNA: N_("Istishna' (barang pesanan)"),
    Akad.MURABAHAH: N_("Murabahah (jual dengan margin terbuka)"),
}
