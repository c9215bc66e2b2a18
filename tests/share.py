"""What ``make test`` shares out between its two database runs.

Some tests check what a page or a document says, not what the database does: the crawls for
markup, language and headers, the authorization matrix, layout in Chromium. ``make test``
runs them once, not once per database: when both runs happen (PostgreSQL answers), it sets
``EXCHANGE_TEST_SHARE_OUT=1`` and each such page or test is checked in one of the two runs,
chosen by the crc32 of its name, as tests/conftest.py shares out the frozen clocks. Over one
``make test`` every page and test is checked once, and each database serves about half of
them. ``make test-sqlite`` or ``make test-pg`` alone (or ``make test`` without PostgreSQL)
checks all of them.

A test shares out its own pages with ``shared_out`` (and lowers a minimum count with
``share_of``); a whole test goes to one run with ``@pytest.mark.shared_out``.
"""

from __future__ import annotations

import math
import os
import zlib
from collections.abc import Iterable

SHARING = os.environ.get("EXCHANGE_TEST_SHARE_OUT", "") not in ("", "0")
# 0 in the SQLite run, 1 in the PostgreSQL run
RUN = 1 if os.environ.get("EXCHANGE_TEST_DATABASE_URL") else 0


def in_this_run(name: str) -> bool:
    """Whether the page or test called ``name`` is checked in this run."""
    return not SHARING or zlib.crc32(name.encode()) % 2 == RUN


def shared_out(names: Iterable[str]) -> list[str]:
    """The names checked in this run, in their order."""
    return [name for name in names if in_this_run(name)]


def share_of(count: int) -> int:
    """A minimum count of pages for this run: a third of it when the pages are shared out (a
    run gets about half of them; a third leaves room for an uneven share)."""
    return math.ceil(count / 3) if SHARING else count
