"""A seeded, East-Java-like matching instance of any size, for the scale benchmark.

    python benchmarks/matching_market.py N --format 1|2 --out FILE [--seed S] [--source SAMPLE]

Pesantren are placed around the 38 regencies' centres (`exchange/data/regencies.csv`, jittered by
up to 0.15 degree), three listings per pesantren on average. Each listing copies the commodity,
side, grade, quantity, price, window, distance limit and (format 2) akad, minimum quantity and
offset of its own place from one listing of a sample instance (default: jatim2-50k), so the
market has the samples' distributions at any size. Same arguments, same file.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / ".." / "shared" / "matching" / "samples"


def regencies() -> list[tuple[str, float, float]]:
    with open(ROOT / "exchange" / "data" / "regencies.csv", encoding="utf-8") as f:
        return [(r[0], float(r[3]), float(r[4])) for r in csv.reader(f) if r and r[0].isdigit()]


def generate(n: int, version: int, seed: int = 1, source: Path | None = None) -> dict:
    rnd = random.Random(seed)
    src = json.loads((source or SAMPLES / "jatim2-50k.json").read_text())
    src_pes = {p["id"]: p for p in src["pesantren"]}
    regs = regencies()
    pesantren = []
    for k in range(max(2, n // 3)):
        code, lat, lon = rnd.choice(regs)
        pesantren.append(
            {
                "id": f"P{k:06d}",
                "regency": code,
                "lat": round(lat + rnd.uniform(-0.15, 0.15), 5),
                "lon": round(lon + rnd.uniform(-0.15, 0.15), 5),
            }
        )
    listings = []
    templates = src["listings"]
    for k in range(n):
        t = rnd.choice(templates)
        p = rnd.choice(pesantren)
        out = {
            "id": f"L{k:07d}",
            "side": t["side"],
            "pesantren": p["id"],
            "commodity": t["commodity"],
            "grade": t["grade"],
            "quantity": t["quantity"],
            "price": t["price"],
            "window": t["window"],
        }
        if "max_distance_km" in t:
            out["max_distance_km"] = t["max_distance_km"]
        if version >= 2:
            out["akad"] = t.get("akad") or ["tunai"]
            if "min_quantity" in t:
                out["min_quantity"] = t["min_quantity"]
            if "lat" in t:  # keep the template's offset from its own pesantren
                home = src_pes[t["pesantren"]]
                out["lat"] = round(p["lat"] + t["lat"] - home["lat"], 5)
                out["lon"] = round(p["lon"] + t["lon"] - home["lon"], 5)
        listings.append(out)
    return {
        "format": f"pesantren-exchange-instance/{version}",
        "params": src.get("params", {"road_factor": 1.3}),
        "commodities": src["commodities"],
        "pesantren": pesantren,
        "listings": listings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of listings")
    parser.add_argument("--format", type=int, choices=(1, 2), default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--source", type=Path, help="sample instance to draw listings from")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    doc = generate(args.n, args.format, args.seed, args.source)
    args.out.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")


if __name__ == "__main__":
    main()
