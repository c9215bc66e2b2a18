"""Amounts in Indonesian words (terbilang), as contracts and receipts write them. Pure."""

from __future__ import annotations

_ONES = (
    "",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
)
_SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"))


def _below_thousand(n: int) -> str:
    if n < 12:
        return _ONES[n]
    if n < 20:
        return f"{_ONES[n - 10]} belas"
    if n < 100:
        tens, rest = divmod(n, 10)
        return f"{_ONES[tens]} puluh {_ONES[rest]}".strip()
    hundreds, rest = divmod(n, 100)
    head = "seratus" if hundreds == 1 else f"{_ONES[hundreds]} ratus"
    return f"{head} {_below_thousand(rest)}".strip()


def _words(n: int) -> str:
    for scale, name in _SCALES:
        if n >= scale:
            high, rest = divmod(n, scale)
            return f"{_words(high)} {name} {_words(rest)}".strip()
    if n >= 1000:
        high, rest = divmod(n, 1000)
        head = "seribu" if high == 1 else f"{_below_thousand(high)} ribu"
        return f"{head} {_below_thousand(rest)}".strip()
    return _below_thousand(n)


def terbilang(n: int) -> str:
    """``12500`` -> ``dua belas ribu lima ratus``."""
    if n == 0:
        return "nol"
    if n < 0:
        return "minus " + _words(-n)
    return " ".join(_words(n).split())


def rupiah_in_words(n: int) -> str:
    return f"{terbilang(n)} rupiah"
