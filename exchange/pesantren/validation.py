"""Pure format checks for the registry (DOMAIN.md section 6). No Flask, no database.

Each function returns the normalised value or raises ValueError with a message key that the
forms translate (phone numbers: ``exchange.phones``); halal numbers only warn (format is a
hint, never proof of validity).
"""

from __future__ import annotations

import re

NSPP_RE = re.compile(r"^\d{12}$")
HALAL_RE = re.compile(r"^ID\d{12,17}$")


def normalise_nspp(value: str) -> str:
    """12 digits (spaces and dots removed). Raises ValueError('nspp_format')."""
    digits = re.sub(r"[\s.\-]", "", value or "")
    if not NSPP_RE.match(digits):
        raise ValueError("nspp_format")
    return digits


def nspp_looks_jatim(nspp: str) -> bool:
    """DOMAIN.md: expect '35' somewhere in positions 4-6 for East Java (a hint only)."""
    return "35" in nspp[3:7]


def normalise_halal(value: str) -> tuple[str, bool]:
    """Strip spaces, upper-case; returns (number, format_ok). Never rejects."""
    number = re.sub(r"\s", "", value or "").upper()
    return number, bool(HALAL_RE.match(number))
