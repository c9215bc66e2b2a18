"""What other domains may ask about a deal: its vocabularies and the derived facts about a state.

Pure: no Flask, no database. The lifecycle itself stays in ``states.py`` (its one table) and the
akad vocabulary in ``exchange/akad.py`` (listings and matching use it too); this module is the
door other domains come in by, so they need not know where each lives.
"""

from __future__ import annotations

from exchange.akad import AKAD_ORDER, Akad
from exchange.deals.akad import TRANSPORT, check_set_off
from exchange.deals.states import (
    HOLDS_QUANTITY,
    OPEN,
    TERMINAL,
    Action,
    Side,
    State,
    Who,
    awaited_action,
)

__all__ = [
    "AKAD_ORDER",
    "Action",
    "Akad",
    "Side",
    "State",
    "TRANSPORT",
    "Who",
    "awaited_action",
    "check_set_off",
    "holds_quantity",
    "is_closed",
    "is_live",
    "pays_in_advance",
]


def is_live(state: str | None) -> bool:
    """Still going: negotiating, or signed and not yet completed or cancelled."""
    return state in OPEN


def is_closed(state: str | None) -> bool:
    """Over without a contract carried out: rejected, withdrawn, expired or cancelled."""
    return state in TERMINAL


def holds_quantity(state: str | None) -> bool:
    """The deal's quantity is committed (taken from its listings' remaining)."""
    return state in HOLDS_QUANTITY


def pays_in_advance(akad: str | None) -> bool:
    """Salam is paid in full at signing; every other akad pays later or on delivery."""
    return akad == Akad.SALAM
