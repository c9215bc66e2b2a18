"""A seeded, East-Java-like matching instance of any size, for the scale benchmark.

    python benchmarks/matching_market.py N --format 1|2 --out FILE [--seed S] [--source SAMPLE]
        [--national]

Pesantren are placed around the 38 regencies' centres (`exchange/data/regencies.csv`, jittered by
up to 0.15 degree), three listings per pesantren on average. By default all of them are in East
Java, so the market gets denser as it grows (n/3 pesantren in one province). `--national` keeps
East Java's density instead (`PESANTREN_PER_PROVINCE`, about its real count) and spreads a larger
market over more provinces: province k is East Java's regency layout translated to slot k of a
synthetic grid over Indonesia's bounding box (not real province centres): rows 4.5 degrees
(500 km) apart in latitude, columns 6 degrees (660 km) apart in longitude, slots ordered by their
distance from East Java (slot 0 is East Java itself). Each listing copies the commodity,
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


#: Pesantren per province of a `--national` market (East Java has about 6,800).
PESANTREN_PER_PROVINCE = 6_800
#: East Java's centre in the grid of `province_offsets` (degrees latitude, longitude).
EAST_JAVA = (-7.6, 112.7)


def province_offsets() -> list[tuple[float, float]]:
    """(dlat, dlon) in degrees moving East Java's layout to each of the 32 synthetic provinces:
    4 rows (latitude -7.6 + 4.5 i, i = 0..3) x 8 columns (longitude 112.7 + 6 j, j = -3..4), about
    Indonesia's bounding box (-9..7 N, 93..139 E with the layout's own extent), nearest to East
    Java first."""
    slots = [
        (EAST_JAVA[0] + 4.5 * i, EAST_JAVA[1] + 6.0 * j) for i in range(4) for j in range(-3, 5)
    ]
    slots.sort(key=lambda s: ((s[0] - EAST_JAVA[0]) ** 2 + (s[1] - EAST_JAVA[1]) ** 2, s))
    return [(round(lat - EAST_JAVA[0], 6), round(lon - EAST_JAVA[1], 6)) for lat, lon in slots]


def generate(
    n: int, version: int, seed: int = 1, source: Path | None = None, national: bool = False
) -> dict:
    """The instance as a dict; `national`: East Java's density, more provinces as n grows."""
    rnd = random.Random(seed)
    shifts = province_offsets() if national else [(0.0, 0.0)]
    src = json.loads((source or SAMPLES / "jatim2-50k.json").read_text())
    src_pes = {p["id"]: p for p in src["pesantren"]}
    regs = regencies()
    pesantren = []
    for k in range(max(2, n // 3)):
        code, lat, lon = rnd.choice(regs)
        if national:  # a market beyond 32 provinces reuses the farthest slot (denser there)
            dlat, dlon = shifts[min(k // PESANTREN_PER_PROVINCE, len(shifts) - 1)]
            lat, lon = lat + dlat, lon + dlon
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
    parser.add_argument(
        "--national", action="store_true", help="East Java's density over more provinces"
    )
    args = parser.parse_args()
    doc = generate(args.n, args.format, args.seed, args.source, args.national)
    args.out.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")


if __name__ == "__main__":
    main()
