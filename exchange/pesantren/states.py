"""The pesantren status lifecycle as one table. Pure: no Flask, no database.

pending --verify--> verified --suspend--> suspended --reinstate--> verified
pending --reject--> rejected --resubmit (the manager edits)--> pending
"""

from __future__ import annotations

from exchange.auth.policy import Role
from exchange.pesantren.policy import PesantrenStatus as S

# (status, action) -> (next status, who may)
TRANSITIONS: dict[tuple[str, str], tuple[S, Role]] = {
    (S.PENDING, "verify"): (S.VERIFIED, Role.STAFF),
    (S.PENDING, "reject"): (S.REJECTED, Role.STAFF),
    (S.VERIFIED, "suspend"): (S.SUSPENDED, Role.STAFF),
    (S.SUSPENDED, "reinstate"): (S.VERIFIED, Role.STAFF),
    (S.REJECTED, "resubmit"): (S.PENDING, Role.MANAGER),
}
# A refusal or a suspension must say why: the manager reads the reason.
REASON_REQUIRED = frozenset({"reject", "suspend"})
STAFF_ACTIONS = ("verify", "reject", "suspend", "reinstate")


def next_status(status: str, action: str, role: str) -> S | None:
    """The status after ``action``, or None when it is not allowed from here for this role."""
    found = TRANSITIONS.get((status, action))
    if found is None or found[1] != role:
        return None
    return found[0]


def staff_actions(status: str) -> list[str]:
    """The buttons staff see for a pesantren in this status, in a fixed order."""
    return [a for a in STAFF_ACTIONS if next_status(status, a, Role.STAFF) is not None]
