"""Reciprocal bundles (paket timbal balik) through the API: tie a deal with one running the
other way, record the bundle's net settlement once, ask to untie it or agree to (scope
``deals``). The same services as the deal page's bundle card (deals/reciprocal.py); a deal's
answer shows its ``bundle`` and, while it has none, the deals it may be tied with."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from exchange.api import write_schemas as w
from exchange.api.guard import acting_user
from exchange.api.scopes import Scope
from exchange.api.write_views import deal_answer, endpoint
from exchange.deals import reciprocal


class BundleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    other_deal_id: int = Field(
        ge=1,
        le=2**31 - 1,
        description="A deal between the same two pesantren running the other way (the deal's "
        "`bundle_candidates`).",
    )


class BundleSettleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    paid_on: date = Field(
        ge=date(2000, 1, 1),
        le=date(2100, 12, 31),
        description="The day the net amount changed hands (not before either contract, not "
        "after today).",
    )
    note: str = Field(default="", max_length=500)


@endpoint("/deals/<int:deal_id>/bundle", Scope.DEALS, json=BundleIn, status=201)
def tie_bundle(deal_id: int, json: BundleIn, headers: w.WriteHeaders):
    """Tie the deal with one running the other way into a reciprocal bundle: each stays its
    own sale, and the net amount is settled once."""
    reciprocal.tie_bundle(acting_user(), deal_id, json.other_deal_id)
    return deal_answer(deal_id), 201


@endpoint("/deals/<int:deal_id>/bundle/settle", Scope.DEALS, json=BundleSettleIn)
def settle_bundle(deal_id: int, json: BundleSettleIn, headers: w.WriteHeaders):
    """Record the bundle's net settlement once: the debtor pays the difference and both
    legs are paid in full."""
    reciprocal.settle_bundle(acting_user(), deal_id, json.paid_on, json.note)
    return deal_answer(deal_id)


@endpoint("/deals/<int:deal_id>/bundle/untie", Scope.DEALS)
def untie_bundle(deal_id: int, headers: w.WriteHeaders):
    """Ask to untie the bundle, or agree when the other side asked: the two deals then run
    on their own, each paid in full."""
    reciprocal.untie_bundle(acting_user(), deal_id)
    return deal_answer(deal_id)
