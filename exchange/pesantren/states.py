"""The pesantren status lifecycle as one table. Pure: no Flask, no database.

pending --verify--> verified --suspend--> suspended --reinstate--> verified
pending --reject--> rejected --resubmit (the manager edits)--> pending
"""

from __future__ import annotations

# (status, action) -> (next status, who may)
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("pending", "verify"): ("verified", "staff"),
    ("pending", "reject"): ("rejected", "staff"),
    ("verified", "suspend"): ("suspended", "staff"),
    ("suspended", "reinstate"): ("verified", "staff"),
    ("rejected", "resubmit"): ("pending", "manager"),
}
# A refusal or a suspension must say why: the manager reads the reason.
REASON_REQUIRED = frozenset({"reject", "suspend"})
STAFF_ACTIONS = ("verify", "reject", "suspend", "reinstate")


def next_status(status: str, action: str, role: str) -> str | None:
    """The status after ``action``, or None when it is not allowed from here for this role."""
    found = TRANSITIONS.get((status, action))
    if found is None or found[1] != role:
        return None
    return found[0]


def staff_actions(status: str) -> list[str]:
    """The buttons staff see for a pesantren in this status, in a fixed order."""
    return [a for a in STAFF_ACTIONS if next_status(status, a, "staff") is not None]
