"""The clearing run as a job (exchange/jobs): the prepare step reads the market once, the solve
steps clear one commodity each, and one more computes the run's by-products over the whole
market (any worker, any machine); the store step only writes.

Offers and requests of different commodities never meet, so each commodity is its own
problem: the engine's rows of the whole market are the union of the commodities' rows, and the
store step sorts them as ``adapter.proposals`` does. The parts travel as the engine's instance
format (``formats.instance_to_dict``), so a worker needs nothing but the text of its task.
"""

from __future__ import annotations

import json
from dataclasses import astuple
from datetime import timedelta

from exchange.auth.models import User
from exchange.clock import today_wib
from exchange.db import utcnow
from exchange.extensions import db
from exchange.matching import adapter, formats, queries, services
from exchange.matching.candidates import compatible_pairs
from exchange.matching.model import Instance
from exchange.matching.queries import Market

#: The key of the by-products part: after every commodity slug (they sort before "~").
MARKET_KEY = "~market"


def _dumps(value) -> str:
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
    return _dumps({"rows": [astuple(r) for r in rows], "welfare": welfare, "pairs": len(cand)})


def market_part(raw: dict) -> str:
    """The by-products of the whole market (``services.byproduct_rows``)."""
    instance = formats.instance_from_dict(raw["instance"])
    market = Market(instance, dict(raw["requests"]), dict(raw["offers"]))
    return _dumps(services.byproduct_rows(market, compatible_pairs(instance)))


class ClearingJob:
    run_endpoint = "matching.run"
    runs_endpoint = "matching.runs"

    def prepare(self, job) -> tuple[str, list[tuple[str, str]]]:
        market = queries.load_market(today_wib(job.as_of))
        excluded = sorted(queries.declined_pairs())
        parts = []
        for slug, inst in split(market.instance).items():
            ids = {l.id for l in inst.listings}
            mine = [p for p in excluded if p[0] in ids and p[1] in ids]
            parts.append(
                (slug, _dumps({"instance": formats.instance_to_dict(inst), "excluded": mine}))
            )
        whole = {
            "instance": formats.instance_to_dict(market.instance),
            "requests": sorted(market.requests.items()),
            "offers": sorted(market.offers.items()),
        }
        parts.append((MARKET_KEY, _dumps(whole)))
        facts = {"listings": len(market.instance.listings), "excluded": len(excluded)}
        return _dumps(facts), parts

    def solve(self, payload: str) -> str:
        raw = json.loads(payload)
        return market_part(raw) if "requests" in raw else solve_part(raw)

    def store(self, job, snapshot: str | None, results: dict[str, str]) -> int:
        services.one_run_at_a_time()
        facts = json.loads(snapshot)
        extra = json.loads(results.pop(MARKET_KEY))
        rows, welfare, pairs = [], 0.0, 0
        for key in sorted(results):
            part = json.loads(results[key])
            rows += [adapter.ProposalRow(*r) for r in part["rows"]]
            welfare += part["welfare"]
            pairs += part["pairs"]
        rows.sort(key=lambda r: (r.offer_id, r.request_id))
        actor = db.session.get(User, job.started_by_id) if job.started_by_id else None
        run = services.write_run(
            actor, job.as_of, facts["listings"], rows, welfare, pairs, facts["excluded"], extra
        )
        started = job.started_at or job.as_of
        run.finished_at = utcnow()
        run.duration_ms = max(0, round((run.finished_at - started) / timedelta(milliseconds=1)))
        db.session.flush()
        return run.id

    def after_store(self, run_id: int) -> None:
        services.analyze_byproducts()


HANDLER = ClearingJob()
