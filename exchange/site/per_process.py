"""State a process keeps for itself in ``app.extensions``: the outage view, the replica's health."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Protocol, TypeVar


class _Owned(Protocol):
    pid: int


T = TypeVar("T", bound=_Owned)


def per_process(app, key: str, make: Callable[[int], T]) -> T:
    """``app.extensions[key]``, made by ``make(pid)`` for this process. Made lazily, so a gunicorn
    worker forked from the master makes its own: locks, threads and counts are never shared
    across a fork."""
    pid = os.getpid()
    found = app.extensions.get(key)
    if found is None or found.pid != pid:
        found = app.extensions[key] = make(pid)
    return found
