"""Pure matching engine of Bursa Pesantren: instance in, proposed deals out.

No Flask, no database, no clock, no randomness. Only offers (sales for money) are matched with
requests (purchases for money); the engine never proposes barter.
"""

from .candidates import Candidates, compatible_pairs
from .engine import solve
from .explain import explain
from .formats import FormatError, dumps_result, load_instance
from .model import Commodity, Deal, Explanation, Instance, Listing, Pesantren, Result
from .suggest import Suggestion, suggest

__all__ = [
    "Candidates",
    "Commodity",
    "Deal",
    "Explanation",
    "FormatError",
    "Instance",
    "Listing",
    "Pesantren",
    "Result",
    "Suggestion",
    "compatible_pairs",
    "dumps_result",
    "explain",
    "load_instance",
    "solve",
    "suggest",
]
