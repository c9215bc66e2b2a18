"""Format-2 quality on freshly generated markets, against the best bound HiGHS gives.

    python benchmarks/bench_matching_quality.py [--sizes 3000,10000] [--seeds 9001,9002]
        [--shapes tight,many,few] [--mip-seconds 60]

Markets come from `matching_market.generate` (format 2) with seeds that no tuning ever used (the
engine's parameters, `minimums.py` group sizes, growth rounds, gap, and `columns.K_BEST`, were
tuned on the shared samples jatim2-1k/10k/10k-tight/50k only), reshaped:

- `tight`: every offer's quantity halved (supply short, minimums bind more often);
- `many`: half of the listings without a minimum get one of 20-60% of their quantity;
- `few`: four in five minimums removed.

The engine solves each market (`engine.solve`, as the CLI). Then, per commodity that has a
minimum, HiGHS (`scipy.optimize.milp`) solves the whole MIP over every useful pair (a binary per
pair with a minimum, x <= U*y, x >= L*y) within `--mip-seconds`: its dual bound is an upper bound
on the commodity's welfare, tighter than the relaxed flow; a commodity without minimum is bounded
by its flow, which the engine reaches exactly. Printed per market: the engine's welfare over the
sum of those bounds (`/bound`), over HiGHS' best solution when it has one for every commodity
(`/highs`), and over the proven optimum when HiGHS proved every commodity (`/optimum`, else -);
`fallbacks`: the engine's groups whose MIP ran out of its clock (`minimums.TIME_LIMIT`).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.matching_market import generate  # noqa: E402
from exchange.matching.candidates import compatible_pairs  # noqa: E402
from exchange.matching.engine import solve  # noqa: E402
from exchange.matching.flows import bounded_flow  # noqa: E402
from exchange.matching.formats import instance_from_dict  # noqa: E402


def reshape(doc: dict, shape: str, seed: int) -> dict:
    rnd = random.Random(seed)
    for item in doc["listings"]:
        if shape == "tight" and item["side"] == "offer":
            item["quantity"] = max(1, item["quantity"] // 2)
        elif shape == "many" and "min_quantity" not in item and rnd.random() < 0.5:
            item["min_quantity"] = max(1, int(item["quantity"] * rnd.uniform(0.2, 0.6)))
        elif shape == "few" and "min_quantity" in item and rnd.random() < 0.8:
            del item["min_quantity"]
    return doc


def commodity_bound(oq, rq, least, a, b, gain, seconds):
    """(upper bound, best solution or None, proven) of one commodity's MIP, in gain units."""
    n, no, nr = a.size, oq.size, rq.size
    upper = np.minimum(oq[a], rq[b]).astype(np.float64)
    relaxed = float(-np.dot(bounded_flow(oq, rq, a, b, -gain), -gain))
    binary = np.flatnonzero(least > 1)
    nb = binary.size
    k, y = np.arange(nb), n + np.arange(nb)
    cap_rows, low_rows = no + nr + k, no + nr + nb + k
    A = coo_matrix(
        (
            np.r_[np.ones(2 * n + 2 * nb), -upper[binary], -least[binary].astype(np.float64)],
            (
                np.r_[a, no + b, cap_rows, low_rows, cap_rows, low_rows],
                np.r_[np.arange(n), np.arange(n), binary, binary, y, y],
            ),
        ),
        shape=(no + nr + 2 * nb, n + nb),
    ).tocsr()
    res = milp(
        np.r_[-gain.astype(np.float64), np.zeros(nb)],
        constraints=LinearConstraint(
            A,
            np.r_[np.full(no + nr + nb, -np.inf), np.zeros(nb)],
            np.r_[oq, rq, np.zeros(nb), np.full(nb, np.inf)].astype(np.float64),
        ),
        integrality=np.r_[np.zeros(n), np.ones(nb)],
        bounds=Bounds(np.zeros(n + nb), np.r_[upper, np.ones(nb)]),
        options={"time_limit": seconds, "mip_rel_gap": 1e-6},
    )
    dual = getattr(res, "mip_dual_bound", None)
    bound = relaxed if dual is None or not np.isfinite(dual) else min(relaxed, -float(dual))
    best = -float(res.fun) if res.x is not None else None
    return bound, best, res.status == 0


def measure(inst, seconds: float) -> dict:
    started = time.perf_counter()
    result = solve(inst)
    engine_s = time.perf_counter() - started
    cand = compatible_pairs(inst)
    gain = np.rint(cand.surplus * 100).astype(np.int64)
    pair = {
        (cand.offers[i].id, cand.requests[j].id): k
        for k, (i, j) in enumerate(
            zip(cand.offer_idx.tolist(), cand.request_idx.tolist(), strict=True)
        )
    }
    flow = np.zeros(len(cand), dtype=np.int64)
    for d in result.deals:
        flow[pair[(d.offer, d.request)]] = d.quantity
    o_com = np.array([o.commodity for o in cand.offers])[cand.offer_idx]
    bound = best = 0.0
    proven = have_best = True
    mip_s = time.perf_counter()
    for c in inst.commodities:
        arcs = np.flatnonzero((o_com == c.slug) & (gain > 0))
        if arcs.size == 0:
            continue
        ui, a = np.unique(cand.offer_idx[arcs], return_inverse=True)
        uj, b = np.unique(cand.request_idx[arcs], return_inverse=True)
        oq = np.array([cand.offers[i].quantity for i in ui], dtype=np.int64)
        rq = np.array([cand.requests[j].quantity for j in uj], dtype=np.int64)
        omin = np.array([cand.offers[i].min_quantity or 1 for i in ui], dtype=np.int64)
        rmin = np.array([cand.requests[j].min_quantity or 1 for j in uj], dtype=np.int64)
        least = np.maximum(omin[a], rmin[b])
        if (least > 1).any():
            cb, cs, ok = commodity_bound(oq, rq, least, a, b, gain[arcs], seconds)
        else:
            cb = float(-np.dot(bounded_flow(oq, rq, a, b, -gain[arcs]), -gain[arcs]))
            cs, ok = cb, True
        bound += cb
        proven &= ok
        have_best &= cs is not None
        best += cs or 0.0
    engine = float(np.dot(flow, gain))
    return {
        "engine_s": engine_s,
        "fallbacks": result.stats.get("mip_fallbacks", 0),
        "mip_s": time.perf_counter() - mip_s,
        "bound": engine / bound if bound else float("nan"),
        "highs": engine / best if have_best and best else float("nan"),
        "optimum": engine / best if proven and best else float("nan"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="3000,10000")
    parser.add_argument("--seeds", default="9001,9002")
    parser.add_argument("--shapes", default="tight,many,few")
    parser.add_argument("--mip-seconds", type=float, default=60.0)
    args = parser.parse_args()
    print(
        f"{'listings':>8} {'shape':>6} {'seed':>6} {'engine s':>8} {'HiGHS s':>8} "
        f"{'/bound':>8} {'/highs':>8} {'/optimum':>8} {'fallbacks':>9}"
    )
    worst = 1.0
    for n in (int(x) for x in args.sizes.split(",")):
        for shape in args.shapes.split(","):
            for seed in (int(x) for x in args.seeds.split(",")):
                doc = reshape(generate(n, 2, seed=seed), shape, seed)
                m = measure(instance_from_dict(doc), args.mip_seconds)
                worst = min(worst, m["bound"])
                opt = f"{m['optimum']:>8.5f}" if m["optimum"] == m["optimum"] else f"{'-':>8}"
                print(
                    f"{n:>8} {shape:>6} {seed:>6} {m['engine_s']:>8.1f} {m['mip_s']:>8.1f} "
                    f"{m['bound']:>8.5f} {m['highs']:>8.5f} {opt} {m['fallbacks']:>9}",
                    flush=True,
                )
    print(f"worst engine / bound: {worst:.5f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
