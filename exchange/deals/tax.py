"""PPN (value added tax) on a sale, as the contract and the kuitansi show it. Pure.

PPN is shown only when the seller states it is a PKP (pengusaha kena pajak, its profile) and the
goods are not basic needs exempt from PPN. Exempt (PP 49/2022, "barang kebutuhan pokok" freed
from PPN: beras, gabah, jagung, sagu, kedelai, garam konsumsi, daging, telur, susu, buah-buahan,
sayur-sayuran, ubi-ubian, bumbu-bumbuan, gula konsumsi) by catalogue slug below. The rate is the
setting ``PPN_RATE_PERCENT`` (default 11: UU 7/2021 (HPP) sets 12% from 2025, and PMK 131/2024
puts the base of goods that are not luxury goods at 11/12 of the price, so 11% in effect). The
agreed price is taken to include PPN: the contract states how much of it is PPN.
"""

from __future__ import annotations

DEFAULT_RATE_PERCENT = 11
RATE_SOURCE = "UU 7/2021 (HPP) jo. PMK 131/2024: 12% x DPP 11/12"
EXEMPT_SOURCE = "PP 49/2022 (barang kebutuhan pokok)"

EXEMPT_SLUGS = frozenset(
    {
        "beras",
        "gabah",
        "jagung",
        "garam_konsumsi",
        "gula_pasir",
        "telur_ayam",
        "susu_sapi",
        "daging_sapi",
        "bawang_merah",
        "mangga",
        "apel",
    }
)


def exempt(slug: str) -> bool:
    return slug in EXEMPT_SLUGS


def ppn(total: int, slug: str, seller_is_pkp: bool, rate_percent: int) -> dict | None:
    """The PPN in an agreed price that includes it: {"rate", "base", "amount"} in whole rupiah,
    or None when none is shown (the seller is no PKP, or the goods are exempt)."""
    if not seller_is_pkp or exempt(slug) or rate_percent <= 0:
        return None
    amount = total * rate_percent // (100 + rate_percent)
    return {"rate": rate_percent, "base": total - amount, "amount": amount}
