"""Who may see a deal and who may act on it: one rule, used by views, services, documents and the
API alike. Strangers get NotFound (a deal's existence is not leaked); staff read every deal but
never act as a party."""

from __future__ import annotations

from exchange.auth.permissions import can_act_on_deal, require_trader
from exchange.deals.models import Deal
from exchange.deals.states import Side
from exchange.errors import Forbidden, NotFound
from exchange.extensions import db


def can_see_deal(user, deal: Deal) -> bool:
    """The managers of the two pesantren and staff read a deal; nobody else knows it exists."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or can_act_on_deal(user, deal))


def visible_deal(user, deal_id: int) -> Deal:
    """The deal, for a reader who may see it; anyone else (or no such deal) gets NotFound."""
    deal = db.session.get(Deal, deal_id)
    if deal is None or not can_see_deal(user, deal):
        raise NotFound()
    return deal


def party_deal(user, deal_id: int) -> Deal:
    """The deal a party acts on: strangers get NotFound; staff, who read the deal but never act
    on it, get Forbidden."""
    deal = visible_deal(user, deal_id)
    if not can_act_on_deal(user, deal):
        raise Forbidden()
    return deal


def side_of(user, deal: Deal) -> Side:
    """The side the user acts for; anyone else gets 404 (the deal's existence is not leaked)."""
    if not getattr(user, "is_authenticated", False) or not user.is_manager:
        raise NotFound()
    side = deal.side_of(user.pesantren_id)
    if side is None:
        raise NotFound()
    require_trader(user)
    return Side(side)
