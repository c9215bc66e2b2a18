"""Who may see a deal and who may act on it: one rule, used by views, services, documents and the
API alike. Strangers get NotFound (a deal's existence is not leaked); staff read every deal but
never act as a party."""

from __future__ import annotations

from exchange.auth.permissions import require_trader
from exchange.deals.models import Deal
from exchange.deals.states import Side
from exchange.errors import NotFound


def side_of(user, deal: Deal) -> Side:
    """The side the user acts for; anyone else gets 404 (the deal's existence is not leaked)."""
    if not getattr(user, "is_authenticated", False) or not user.is_manager:
        raise NotFound()
    side = deal.side_of(user.pesantren_id)
    if side is None:
        raise NotFound()
    require_trader(user)
    return Side(side)
