"""The one parser of numbers typed by people: rupiah, quantities and decimals (pure).

Indonesian readers write thousands with dots and decimals with a comma ("12.500", "2,5"); many
also type plain digits or paste "Rp 12.500". Every form reads amounts through these functions, so
one input is accepted (or refused with one message) the same way everywhere.
"""

from __future__ import annotations

import math
import re

_WHOLE = re.compile(r"^\d{1,3}(\.\d{3})+$|^\d+$")
_RP = re.compile(r"^rp\.?\s*", re.IGNORECASE)


def _clean(text: str | None) -> str:
    text = _RP.sub("", (text or "").strip())
    return text.replace(" ", "").replace("\u00a0", "")


def parse_whole(text: str | None) -> int:
    """``12500``, ``12.500``, ``Rp 12.500``, ``Rp12.500`` -> 12500. Raises ValueError.

    A minus sign parses, so that the rules can say "must be more than 0" instead of "not a whole
    number". "12,5" (and "12,500", which an Indonesian reader takes for twelve and a half) is
    refused: a whole amount has no decimals."""
    text = _clean(text)
    sign, digits = (-1, text[1:]) if text.startswith("-") else (1, text)
    if not _WHOLE.match(digits):
        raise ValueError(text)
    return sign * int(digits.replace(".", ""))


def parse_decimal(text: str | None) -> float:
    """``2,5`` or ``2.5`` -> 2.5; ``1.234,5`` -> 1234.5. Raises ValueError."""
    text = _clean(text)
    if "," in text and "." in text:  # Indonesian grouping with a decimal comma
        text = text.replace(".", "")
    value = float(text.replace(",", "."))
    if not math.isfinite(value):
        raise ValueError(text)
    return value
