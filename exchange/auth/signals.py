"""What the accounts domain announces, for the domains above it to act on (docs/wiring.md).

``credentials_changed`` is sent, with the account as sender, inside the transaction that
changed its password (change or reset) or closed it (a staff deactivation, an erasure), before
that transaction commits: whatever else acts for the account ends with it in the same commit.
Subscribed: ``api.tokens`` revokes the account's API tokens.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()
credentials_changed = _signals.signal("credentials-changed")
