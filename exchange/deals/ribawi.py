"""Riba rules for ribawi goods in a reciprocal bundle (DOMAIN.md 7.5). Pure.

A bundle is two sales for money between the same two pesantren, settled by one net amount: in
substance goods exchanged for goods, so when both legs are ribawi goods of one class:

- same kind (the same commodity, e.g. rice for rice): equal quantity AND both legs in the same
  session, whatever the quality; and equal value, so that no money changes hands (money for
  the quality difference is the forbidden case, riba fadl): otherwise two separate cash sales;
- different kinds of one class (rice for salt: both food): any ratio, but both legs in the same
  session;
- in either case no deferred leg (tempo, salam, istishna', murabahah paid later).

"The same session" here: both legs are cash sales (tunai) with the same handover date, and the
net settlement is recorded together with both handover records (see ``reciprocal``). Non-ribawi
goods, or goods of different classes, are free.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from exchange.deals.reasons import Reason
from exchange.deals.states import N_


@dataclass(frozen=True)
class Leg:
    commodity_id: int
    ribawi_class: str | None  # None: not ribawi
    quantity: int
    deferred: bool  # akad.is_deferred(terms)
    handover_date: date | None
    total: int | None = None  # the leg's price (rupiah); None: not known


def same_class(a: Leg, b: Leg) -> bool:
    return a.ribawi_class is not None and a.ribawi_class == b.ribawi_class


def check_bundle(a: Leg, b: Leg) -> list[Reason]:
    """Every reason the two legs may not be tied (empty: they may)."""
    if not same_class(a, b):
        return []
    r: list[Reason] = []
    if a.deferred or b.deferred:
        r.append(
            Reason(
                "ribawi_deferred",
                N_(
                    "Kedua barang termasuk barang ribawi satu golongan: tidak boleh ada "
                    "penyerahan atau pembayaran yang ditunda (riba nasi'ah). Pakai akad tunai "
                    "untuk kedua penjualan."
                ),
            )
        )
    if a.handover_date != b.handover_date:
        r.append(
            Reason(
                "ribawi_session",
                N_(
                    "Kedua barang termasuk barang ribawi satu golongan: keduanya harus "
                    "diserahkan dalam satu majelis (tanggal penyerahan yang sama)."
                ),
            )
        )
    if a.commodity_id == b.commodity_id and a.quantity != b.quantity:
        r.append(
            Reason(
                "ribawi_equal",
                N_(
                    "Pertukaran barang ribawi sejenis harus sama jumlahnya (riba fadl). Buat dua "
                    "jual beli tunai yang terpisah: jual salah satu dengan uang, lalu beli yang "
                    "lain."
                ),
            )
        )
    elif a.commodity_id == b.commodity_id and None not in (a.total, b.total) and a.total != b.total:
        r.append(
            Reason(
                "ribawi_equal_value",
                N_(
                    "Pertukaran barang ribawi sejenis tidak boleh disertai uang selisih, apa pun "
                    "perbedaan mutunya (riba fadl): kedua penjualan harus sama jumlah dan "
                    "nilainya. Buat dua jual beli tunai yang terpisah."
                ),
            )
        )
    return r
