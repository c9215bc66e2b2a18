"""Shared trucks (angkutan bersama, issue 32): what the planner proposes and saves.

On the matching samples and on generated markets (benchmarks/matching_market.py), the engine's
deals become shipments (from the offer's place to the request's, on the first common day of the
two windows, weight from the unit); the planner groups them into shared trips with a 30 s limit.
Prints per market: deals, shipments planned, trips, share of deals in a shared trip, transport
cost alone and planned, saved (Rp and %), planner time. Then the demo data (the app's demo
seeded into a temporary SQLite database, its signed deals and the proposals of its clearing run).

    make bench-freight            # or: python benchmarks/bench_freight.py [--sizes 2000 5000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from exchange.freight.costs import DEFAULT_KG_PER_UNIT, CostModel, Point, Shipment, weight_kg  # noqa: E402
from exchange.freight.planner import plan  # noqa: E402
from exchange.matching.engine import solve  # noqa: E402
from exchange.matching.formats import instance_from_dict, load_instance  # noqa: E402

SAMPLES = ROOT / ".." / "shared" / "matching" / "samples"


def shipments_of(instance, result) -> list[Shipment]:
    listings = {x.id: x for x in instance.listings}
    pesantren = {p.id: p for p in instance.pesantren}
    units = {c.slug: c.unit for c in instance.commodities}
    out = []
    for number, deal in enumerate(sorted(result.deals), start=1):
        offer, request = listings[deal.offer], listings[deal.request]
        kg = weight_kg(deal.quantity, units[offer.commodity], DEFAULT_KG_PER_UNIT)
        if kg is None:
            continue

        def place(x):
            p = pesantren[x.pesantren]
            return Point(
                x.lat if x.lat is not None else p.lat, x.lon if x.lon is not None else p.lon
            )

        day = max(offer.window_start, request.window_start)
        out.append(Shipment(number, kg, place(offer), place(request), day))
    return out


def report(name: str, deals: int, shipments: list[Shipment], model: CostModel, limit: float):
    started = time.perf_counter()
    result = plan(shipments, model, time_limit_s=limit)
    took = time.perf_counter() - started
    shared = sum(len(t.deal_ids) for t in result.trips)
    saved = result.cost_alone - result.cost_planned
    pct = 100 * saved / result.cost_alone if result.cost_alone else 0.0
    print(
        f"{name:<22} deals {deals:>5}  planned {len(shipments):>5}  trips {len(result.trips):>4}  "
        f"in shared trips {100 * shared / max(1, len(shipments)):5.1f}%  "
        f"alone Rp {result.cost_alone:>14,}  saved Rp {saved:>12,} ({pct:4.1f}%)  "
        f"planner {took:6.1f} s".replace(",", ".")
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", nargs="*", default=["jatim2-1k"])
    ap.add_argument("--sizes", nargs="*", type=int, default=[2000, 5000])
    ap.add_argument("--limit", type=float, default=30.0, help="planner time limit, seconds")
    ap.add_argument("--no-demo", action="store_true")
    args = ap.parse_args()
    model = CostModel()
    for sample in args.samples:
        instance = load_instance(SAMPLES / f"{sample}.json")
        result = solve(instance)
        report(sample, len(result.deals), shipments_of(instance, result), model, args.limit)
    from matching_market import generate

    for size in args.sizes:
        instance = instance_from_dict(generate(size, 2, seed=1))
        result = solve(instance)
        report(
            f"generated {size:,}",
            len(result.deals),
            shipments_of(instance, result),
            model,
            args.limit,
        )
    if not args.no_demo:
        from bench_freight_demo import demo_report

        demo_report(report, model, args.limit)


if __name__ == "__main__":
    main()
