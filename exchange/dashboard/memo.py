"""What the staff pages compute from contract facts, kept per facts version.

Every transaction that rewrites ``contract_facts`` (a signing, a deal's move, a regency change,
``flask exchange rebuild-facts``) writes a new random ``contract_facts_version`` in the same
transaction (``facts.refresh``). A result computed from the facts, the deals' events and the
parties' regencies is the same as long as that number is: this process keeps the last few
results under (what, filters, version, extra key) and recomputes on a new version. Listings,
proposals and the catalogue do not move the version: what reads them is not kept here, or is
kept under a key that holds what it read (``extra``).

The version is read before the result is computed, so a result is never older than its key
(PostgreSQL's READ COMMITTED may show a later commit to the next statement: then the result
is newer than its key, and the next view, reading the newer version, recomputes).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import g, has_request_context
from sqlalchemy import select

from exchange.dashboard.models import FactsVersion
from exchange.extensions import db

T = TypeVar("T")
#: Results kept per process and kind: the latest 16 filter choices; the edges (about 3 MB for
#: 19,000 trading pairs) 8.
LIMIT, LIMITS = 16, {"edges": 8}

_kept: dict[str, OrderedDict[Hashable, object]] = {}
_lock = threading.Lock()


def facts_version() -> int | None:
    """The current facts version; None before the facts were ever written. Read once per
    request (the page's parts then agree on it)."""
    if has_request_context():
        if "facts_version" not in g:
            g.facts_version = _read_version()
        return g.facts_version
    return _read_version()


def _read_version() -> int | None:
    return db.session.scalar(select(FactsVersion.version).where(FactsVersion.id == 1))


def kept(what: str, key: Hashable, compute: Callable[[], T], version: int | None = None) -> T:
    """compute(), or its result kept under (what, key, facts version). Without a version
    (facts never written, e.g. rows loaded around the services) nothing is kept."""
    version = facts_version() if version is None else version
    if version is None:
        return compute()
    full = (key, version)
    with _lock:
        kind = _kept.setdefault(what, OrderedDict())
        if full in kind:
            kind.move_to_end(full)
            return kind[full]  # type: ignore[return-value]
    value = compute()
    with _lock:
        kind[full] = value
        while len(kind) > LIMITS.get(what, LIMIT):
            kind.popitem(last=False)
    return value


def forget() -> None:
    """Drop every kept result (tests; the next view recomputes)."""
    with _lock:
        _kept.clear()
