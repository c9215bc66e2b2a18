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
