"""The clearing run's parts, as a job (exchange/jobs) runs them: the prepare step splits the
market by commodity, and each solve step clears one commodity (any worker, any machine). Pure:
the handler that reads and writes is ``services.ClearingJob``.

Offers and requests of different commodities never meet, so each commodity is its own
problem: the engine's rows of the whole market are the union of the commodities' rows, and the
store step sorts them as ``adapter.proposals`` does. The parts travel as the engine's instance
format (``formats.instance_to_dict``), so a worker needs nothing but the text of its task.
"""

from __future__ import annotations

import json
from dataclasses import astuple

from exchange.matching import adapter, formats
from exchange.matching.candidates import compatible_pairs
from exchange.matching.model import Instance

#: The key of the by-products part: after every commodity slug (they sort before "~").
MARKET_KEY = "~market"


def dumps(value) -> str:
    return json.dumps(value, separators=(",", ":"))


def split(instance: Instance) -> dict[str, Instance]:
    """Per commodity slug with both an offer and a request, the instance of its listings and
    their pesantren (the rest of the market cannot change its answer). Pure."""
    sides: dict[str, set[str]] = {}
    for l in instance.listings:
        sides.setdefault(l.commodity, set()).add(l.side)
    parts = {}
    for c in instance.commodities:
        if len(sides.get(c.slug, ())) < 2:
            continue
        ls = tuple(l for l in instance.listings if l.commodity == c.slug)
        used = {l.pesantren for l in ls}
        pes = tuple(p for p in instance.pesantren if p.id in used)
        parts[c.slug] = Instance(instance.road_factor, (c,), pes, ls, instance.format_version)
    return parts


def solve_part(raw: dict) -> str:
    """One commodity's proposals: the engine's candidates less the declined pairs, allocated
    with the app's budget. Pure: the parsed task in, text out."""
    fits = compatible_pairs(formats.instance_from_dict(raw["instance"]))
    cand = adapter.without_pairs(fits, [tuple(p) for p in raw["excluded"]])
    rows, welfare = adapter.proposals(cand)
    return dumps({"rows": [astuple(r) for r in rows], "welfare": welfare, "pairs": len(cand)})
