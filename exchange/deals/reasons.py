"""The refusal every pure deal rule returns: a code, a msgid, the field it concerns. Pure."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    code: str
    message: str  # a msgid; the shell translates it with ``params``
    field: str | None = None
    params: dict = dataclasses.field(default_factory=dict)
