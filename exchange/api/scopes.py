"""What a token may do: one name, one place (pure: no Flask, no database)."""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    READ = "read"  # the market, the token owner's proposals, deals and notifications
    LISTINGS = "listings"  # create, edit and withdraw listings
    DEALS = "deals"  # negotiate, pay, ship, hand over, rate
    STAFF = "staff"  # the dashboard's figures and flows (staff accounts only)
    ACCOUNT = "account"  # the token owner's own settings: how messages reach them


MANAGER_SCOPES = (Scope.READ, Scope.LISTINGS, Scope.DEALS, Scope.ACCOUNT)
STAFF_SCOPES = (Scope.READ, Scope.STAFF, Scope.ACCOUNT)


def parse_scopes(text: str) -> frozenset[Scope]:
    """The scopes stored as one space-separated string; unknown words are dropped."""
    known = {s.value for s in Scope}
    return frozenset(Scope(w) for w in text.split() if w in known)


def join_scopes(scopes) -> str:
    """Stored in the enum's order, so the same set is always the same string."""
    chosen = {Scope(s) for s in scopes}
    return " ".join(s.value for s in Scope if s in chosen)


def allowed_scopes(is_staff: bool) -> tuple[Scope, ...]:
    return STAFF_SCOPES if is_staff else MANAGER_SCOPES
