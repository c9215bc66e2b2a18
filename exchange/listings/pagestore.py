"""The rendered pages a visitor sees, kept in this process: a bounded least-recently-used store.

Pure: no Flask, no database, no clock. The shell (``caching.py``) makes the key and decides what
may be stored; this module only remembers bodies and forgets the oldest when a bound is reached.

Per process because there is no shared cache here (no Redis): each gunicorn worker fills its
own, and each answers for the market version it reads from the database, so two workers never
disagree about what is current, only about what they have already rendered. Bounded in entries
and in bytes, because the keys come from visitors' query strings (anyone can make new ones).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PageKey:
    """What a visitor's page depends on. ``query`` is the raw query string: the page echoes
    ``request.args`` in its order (hidden inputs, the language link's ``next``), so two spellings
    of the same filters are two pages. ``version`` is the market version (any write the page
    could show moves it); ``day`` is today in WIB (the open-listing rule's ``window_end >= today``
    and every "expired" on the page change with it and with nothing else of the clock)."""

    path: str
    query: bytes
    locale: str
    version: int
    day: str


@dataclass(frozen=True, slots=True)
class Page:
    body: bytes
    etag: str  # sha1 of the body, as werkzeug's Response.add_etag makes it
    mimetype: str

    @classmethod
    def of(cls, body: bytes, mimetype: str = "text/html") -> Page:
        return cls(body=body, etag=_etag(body), mimetype=mimetype)


def _etag(body: bytes) -> str:
    # A validator, not a secret: the same digest as werkzeug's Response.add_etag.
    return hashlib.sha1(body, usedforsecurity=False).hexdigest()


class PageStore:
    """At most ``max_entries`` pages and ``max_bytes`` of bodies; the least recently used go
    first. A body larger than a quarter of ``max_bytes`` is not kept (it would evict many)."""

    def __init__(self, max_entries: int, max_bytes: int):
        if max_entries < 1 or max_bytes < 1:
            raise ValueError("a page store holds at least one entry and one byte")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._pages: OrderedDict[PageKey, Page] = OrderedDict()
        self._bytes = 0
        # Sync workers serve one request at a time; the lock keeps threaded servers correct.
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: PageKey) -> Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return page

    def put(self, key: PageKey, page: Page) -> bool:
        """Keep ``page`` under ``key``; False when it is too large to keep."""
        size = len(page.body)
        if size * 4 > self.max_bytes:
            return False
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._pages[key] = page
            self._bytes += size
            while len(self._pages) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._pages.popitem(last=False)
                self._bytes -= len(dropped.body)
            return True

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._pages)

    @property
    def size_bytes(self) -> int:
        return self._bytes
