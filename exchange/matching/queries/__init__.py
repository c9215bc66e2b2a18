"""Reads for matching, split by what they answer: the engine's view of the database
(``instance``), one listing's suggestions (``suggestions``), reciprocal partners, proposals and
clearing runs (``runs``). Other domains import from here, the published surface."""

from __future__ import annotations

from exchange.matching.queries.instance import (
    LISTING_COLUMNS,
    N_COLUMNS,
    PESANTREN_COLUMNS,
    Market,
    Quote,
    commodity_ids,
    declined_pairs,
    earliest_handover,
    engine_listing,
    engine_listings,
    engine_pesantren,
    instance_from_rows,
    load_instance,
    load_market,
    pair_quote,
    resale_blocked,
    road_factor,
    salam_resale_rule,
)
from exchange.matching.queries.pool_hints import PoolHint, pool_hints
from exchange.matching.queries.runs import (
    Flow,
    Partner,
    latest_run,
    my_proposals,
    party_proposal,
    reciprocal_partners,
    run_proposals_query,
    runs_query,
)
from exchange.matching.queries.suggestions import (
    SuggestionRow,
    Suggestions,
    suggestions_for,
)

__all__ = [
    "Flow",
    "LISTING_COLUMNS",
    "Market",
    "N_COLUMNS",
    "PESANTREN_COLUMNS",
    "Partner",
    "PoolHint",
    "Quote",
    "SuggestionRow",
    "Suggestions",
    "commodity_ids",
    "declined_pairs",
    "earliest_handover",
    "engine_listing",
    "engine_listings",
    "engine_pesantren",
    "instance_from_rows",
    "latest_run",
    "load_instance",
    "load_market",
    "my_proposals",
    "pair_quote",
    "pool_hints",
    "party_proposal",
    "reciprocal_partners",
    "resale_blocked",
    "road_factor",
    "run_proposals_query",
    "runs_query",
    "salam_resale_rule",
    "suggestions_for",
]
