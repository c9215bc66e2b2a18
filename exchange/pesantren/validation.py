"""Pure format checks for the registry (DOMAIN.md section 6). No Flask, no database.

Each function returns the normalised value or raises ValueError with a message key that the
forms translate; halal numbers only warn (format is a hint, never proof of validity).
"""

from __future__ import annotations

import re

NSPP_RE = re.compile(r"^\d{12}$")
HALAL_RE = re.compile(r"^ID\d{12,17}$")
PHONE_DIGITS_RE = re.compile(r"^\d{8,13}$")


def normalise_nspp(value: str) -> str:
    """12 digits (spaces and dots removed). Raises ValueError('nspp_format')."""
    digits = re.sub(r"[\s.\-]", "", value or "")
    if not NSPP_RE.match(digits):
        raise ValueError("nspp_format")
    return digits


def nspp_looks_jatim(nspp: str) -> bool:
    """DOMAIN.md: expect '35' somewhere in positions 4-6 for East Java (a hint only)."""
    return "35" in nspp[3:7]


def normalise_phone(value: str) -> str:
    """Indonesian phone numbers as +62...: accepts 08..., 628..., +628..., with spaces or dashes.

    Raises ValueError('phone_format').
    """
    raw = re.sub(r"[\s\-().]", "", value or "")
    if raw.startswith("+62"):
        rest = raw[3:]
    elif raw.startswith("62"):
        rest = raw[2:]
    elif raw.startswith("0"):
        rest = raw[1:]
    else:
        raise ValueError("phone_format")
    if not PHONE_DIGITS_RE.match(rest) or not rest.startswith(("8", "3")):
        raise ValueError("phone_format")
    return "+62" + rest


def normalise_halal(value: str) -> tuple[str, bool]:
    """Strip spaces, upper-case; returns (number, format_ok). Never rejects."""
    number = re.sub(r"\s", "", value or "").upper()
    return number, bool(HALAL_RE.match(number))
