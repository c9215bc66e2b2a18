"""One-time codes that confirm a WhatsApp number. Pure: the caller brings the randomness,
the clock and the secret.

6 digits, valid 10 minutes, 5 tries per code, at most 3 codes an hour (per account and per
number, so several accounts cannot flood one person's phone). Only a keyed hash is stored:
a 6-digit code's plain hash is reversed by trying the million codes.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

DIGITS = 6
VALID_FOR = timedelta(minutes=10)
MAX_TRIES = 5
MAX_PER_HOUR = 3
HOUR = timedelta(hours=1)


def new_code(randbelow: Callable[[int], int]) -> str:
    """A code from the given source (``secrets.randbelow``), leading zeros kept."""
    return f"{randbelow(10**DIGITS):0{DIGITS}d}"


def code_hash(secret: str, user_id: int, phone: str, code: str) -> str:
    """HMAC-SHA256 of the code, bound to the account and the number it was sent to."""
    message = f"whatsapp-code:{user_id}:{phone}:{code}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def matches(stored: str, secret: str, user_id: int, phone: str, typed: str) -> bool:
    """The typed code is the one sent (compared in constant time)."""
    typed = "".join((typed or "").split())
    if len(typed) != DIGITS or not typed.isdigit():
        return False
    return hmac.compare_digest(stored, code_hash(secret, user_id, phone, typed))


def may_send(sent_at: Iterable[datetime], now: datetime) -> bool:
    """Another code may go out: fewer than MAX_PER_HOUR were sent in the last hour."""
    return sum(1 for t in sent_at if t > now - HOUR) < MAX_PER_HOUR


def usable(expires_at: datetime, tries: int, used: bool, now: datetime) -> bool:
    return not used and tries < MAX_TRIES and now < expires_at
