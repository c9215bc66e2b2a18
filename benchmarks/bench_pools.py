"""What pooling adds on the generated markets (issue 30): the clearing with and without the
engine's pool suggestions.

    python benchmarks/bench_pools.py [--samples DIR] [--names jatim2-1k,jatim2-10k]

For each format-2 sample: the engine's allocation of the market as it is; then the pool
suggestions (``exchange/matching/pools.py``, hub within 25 road km, a request in one pool at
most) are formed, each pool entering the market as ONE request at its hub (the members' total,
the lowest member price, the strictest grade, the common window, the pool's akad), exactly as
the app's pool listing does, and the engine allocates again. Printed per sample: requests
served (a member counts when the pool's allocation reaches it), quantity allocated and welfare
in rupiah (the engine's objective; a pool is priced at its lowest member's price, so the gain is
understated). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from exchange.matching import pools  # noqa: E402
from exchange.matching.candidates import compatible_pairs  # noqa: E402
from exchange.matching.engine import solve  # noqa: E402
from exchange.matching.formats import load_instance  # noqa: E402


def clear(instance):
    """(quantity per request, quantity per offer, welfare) of the engine's allocation."""
    result = solve(instance, compatible_pairs(instance))
    flow: dict[str, int] = {}
    sold: dict[str, int] = {}
    for d in result.deals:
        flow[d.request] = flow.get(d.request, 0) + d.quantity
        sold[d.offer] = sold.get(d.offer, 0) + d.quantity
    return flow, sold, float(result.stats["welfare"])


def measure(path: Path, km: float = pools.DEFAULT_POOL_KM) -> dict:
    instance = load_instance(path)
    t0 = time.perf_counter()
    base_flow, sold, base_welfare = clear(instance)
    t1 = time.perf_counter()
    unmet = {r.id for r in instance.requests if base_flow.get(r.id, 0) == 0}
    # the offers with room left for a pool: what the clearing did not sell reaches the minimum
    idle = {
        o.id for o in instance.offers if o.quantity - sold.get(o.id, 0) >= (o.min_quantity or 1)
    }
    found = [s for s in pools.suggest(instance, km, only=unmet) if s.offer in idle]
    chosen = pools.disjoint(found)
    t2 = time.perf_counter()
    pooled_flow, _sold, pooled_welfare = clear(pools.pooled_instance(instance, chosen))
    t3 = time.perf_counter()
    after = pools.served(instance, pooled_flow, chosen)
    return {
        "sample": path.stem,
        "requests": len(instance.requests),
        "pools": len(chosen),
        "members": sum(len(p.requests) for p in chosen),
        "served_before": sum(1 for q in base_flow.values() if q > 0),
        "served_after": sum(1 for q in after.values() if q > 0),
        "quantity_before": sum(base_flow.values()),
        "quantity_after": sum(after.values()),
        "welfare_before": round(base_welfare),
        "welfare_after": round(pooled_welfare),
        "suggest_s": round(t2 - t1, 2),
        "clear_s": round((t1 - t0) + (t3 - t2), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", default=str(ROOT / ".." / "shared" / "matching" / "samples"))
    parser.add_argument("--names", default="jatim2-1k,jatim2-10k,jatim2-10k-tight")
    parser.add_argument("--km", default="25", help="pool distances to try, comma-separated")
    args = parser.parse_args()
    for name, km in [(n, float(k)) for n in args.names.split(",") for k in args.km.split(",")]:
        m = measure(Path(args.samples) / f"{name}.json", km)
        gain = m["welfare_after"] - m["welfare_before"]
        print(
            f"{m['sample']} ({km:g} km): {m['requests']} requests, {m['pools']} pools of "
            f"{m['members']} members | served {m['served_before']} -> {m['served_after']} | "
            f"quantity {m['quantity_before']:,} -> {m['quantity_after']:,} | welfare Rp "
            f"{m['welfare_before']:,} -> Rp {m['welfare_after']:,} ({gain:+,}, "
            f"{gain / max(1, m['welfare_before']):+.2%}) | suggest {m['suggest_s']} s, "
            f"clear {m['clear_s']} s"
        )


if __name__ == "__main__":
    main()
