"""How hard the property, fuzz, stateful and kill tests try: a small count in ``make test`` (the
whole suite stays quick), the full count in ``make test-deep`` (``EXCHANGE_TEST_DEEP=1``).
Such tests carry ``@pytest.mark.deep`` so that ``make test-deep`` finds them."""

from __future__ import annotations

import os

DEEP = os.environ.get("EXCHANGE_TEST_DEEP", "") not in ("", "0")


def examples(quick: int, full: int) -> int:
    """``quick`` in make test, ``full`` in make test-deep."""
    return full if DEEP else quick
