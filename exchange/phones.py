"""Indonesian phone numbers, one normaliser for every feature (registry, WhatsApp). Pure.

Accepts what people write (``0812-3456-7890``, ``+62 812 3456 7890``, ``62812...``, with
spaces, dashes, dots or brackets) and gives E.164 (``+62812...``); raises ValueError otherwise.
"""

from __future__ import annotations

import re

PHONE_DIGITS_RE = re.compile(r"^\d{8,13}$")
_SEPARATORS = re.compile(r"[\s\-().]")


def normalise_phone(value: str) -> str:
    """Indonesian phone numbers as +62...: accepts 08..., 628..., +628..., with spaces or dashes.

    The subscriber part (after the country code) has 8 to 13 digits and starts with 8 (mobile)
    or 3 (East Java's fixed lines, e.g. 031). Raises ValueError('phone_format').
    """
    raw = _SEPARATORS.sub("", value or "")
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


def normalise_mobile(value: str) -> str:
    """A mobile number (WhatsApp needs one): as ``normalise_phone``, starting +628.
    Raises ValueError('phone_format') or ValueError('phone_not_mobile')."""
    phone = normalise_phone(value)
    if not phone.startswith("+628"):
        raise ValueError("phone_not_mobile")
    return phone


def wa_id(phone: str) -> str:
    """The number as the WhatsApp Cloud API writes it (``wa_id``, ``from``): digits only."""
    return phone.removeprefix("+")


def from_wa_id(value: str) -> str | None:
    """A webhook's ``from`` (``6281234567890``) back to E.164, or None when it is not ours."""
    try:
        return normalise_phone("+" + value.lstrip("+"))
    except ValueError:
        return None


def masked(phone: str) -> str:
    """For pages and logs: ``+62 812-****-7890``."""
    return f"{phone[:3]} {phone[3:6]}-****-{phone[-4:]}"
