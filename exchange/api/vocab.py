"""The domains' vocabularies as the API document's enums: one place that turns each domain's
StrEnum into an inline ``enum`` of the OpenAPI document (no copy of the values: they are read
from the enums themselves, so a new state or akad shows up in the document by itself).

Inline (``Literal``) rather than ``$ref`` to the enum classes: the deals' and the listings'
vocabularies both have a ``Side``, and a generated client needs one schema per title.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

from exchange.akad import Akad
from exchange.deals.policy import TRANSPORT, Action, Side, State
from exchange.listings.policy import ListingStatus
from exchange.listings.policy import Side as ListingSide
from exchange.listings.queries import SORTS
from exchange.matching.policy import ProposalStatus
from exchange.pesantren.policy import PesantrenStatus


def one_of(values):
    """A ``Literal`` of an enum's values (or of a tuple of strings), in their own order."""
    if isinstance(values, type) and issubclass(values, Enum):
        values = tuple(v.value for v in values)
    return Literal[tuple(values)]  # type: ignore[valid-type]


AkadName = one_of(Akad)
DealState = one_of(State)
DealAction = one_of(Action)
DealSide = one_of(Side)
ListingSideName = one_of(ListingSide)
ListingStatusName = one_of(ListingStatus)
ProposalStatusName = one_of(ProposalStatus)
PesantrenStatusName = one_of(PesantrenStatus)
Transport = one_of(TRANSPORT)
MarketSort = one_of(SORTS)
