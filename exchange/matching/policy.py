"""What other domains may ask about the clearing: the run and proposal vocabularies and whether
a proposal can still be acted on. Pure: no Flask, no database."""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"  # waiting for either party
    DECLINED = "declined"  # a party said no; the pair is not proposed again
    SUPERSEDED = "superseded"  # a later run replaced it before anyone acted
    ACTED = "acted"  # a negotiation was opened from it


def is_actionable(status: str | None) -> bool:
    """A proposal a party may still open a negotiation from, or decline."""
    return status == ProposalStatus.PROPOSED


# The akad a contract may use for a commodity are deals' rules (istisna' only for goods made to
# order, ...). deals hands them over once at start-up (``deals/holds.py``, from ``create_app``),
# so the engine's view of the market asks here and imports no deals.
_contract_akad: list = []


def register_contract_akad(rule) -> None:
    """``rule(commodity) -> tuple of akad codes``; a second registration replaces the first."""
    _contract_akad[:] = [rule]


def contract_akad(commodity) -> tuple[str, ...]:
    if not _contract_akad:
        raise RuntimeError("the contract akad rule is not registered (create_app registers it)")
    return _contract_akad[0](commodity)
