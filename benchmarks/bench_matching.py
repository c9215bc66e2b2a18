"""Benchmark the matching engine on every sample instance (formats 1 and 2).

    python benchmarks/bench_matching.py [--samples DIR]

DIR defaults to ../shared/matching/samples relative to the repository root. Each sample is solved
by `python -m exchange.matching` in its own subprocess (wall time and peak memory are that
process's, Python start-up and JSON IO included), then judged with the shared check.py in another
subprocess. Printed: the welfare ratio against `optimum_welfare` where OPTIMA.json gives it and,
for format 2, against `relaxed_welfare` (the flow without minimums, a bound no result can
exceed); reciprocal recall and precision; for format 1 the best-pair-first greedy's ratio
alongside. Exits 1 if any result is infeasible.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from exchange.matching.candidates import compatible_pairs  # noqa: E402
from exchange.matching.engine import welfare  # noqa: E402
from exchange.matching.formats import load_instance  # noqa: E402
from exchange.matching.greedy import greedy_allocate  # noqa: E402


def judge(check: Path, instance: Path, result: Path, optimum) -> dict:
    """check.py's figures (its last line) for one result; it needs numpy only."""
    args = [sys.executable, str(check), str(instance), str(result)]
    if optimum:
        args.append(str(optimum))
    proc = subprocess.run(args, capture_output=True, text=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_engine(instance: Path, out: Path) -> tuple[float, float, int, str]:
    """Run the CLI; return (wall seconds, peak RSS in MiB, exit code, stderr)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "exchange.matching", str(instance), "--out", str(out)],
            cwd=ROOT,
            stderr=err,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return wall, usage.ru_maxrss / 1024, proc.returncode, err.read().strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--samples", type=Path, default=ROOT / ".." / "shared" / "matching" / "samples"
    )
    args = parser.parse_args()
    samples = args.samples.resolve()
    check = samples.parent / "check.py"
    optima = json.loads((samples / "OPTIMA.json").read_text())
    files = sorted(
        (p for p in samples.glob("*.json") if p.name != "OPTIMA.json"),
        key=lambda p: (p.stat().st_size, p.name),
    )
    head = (
        f"{'sample':<22} {'listings':>8} {'deals':>6} {'wall s':>7} {'peak MiB':>9} "
        f"{'/optimum':>9} {'/relaxed':>9} {'recall':>6} {'precision':>9} {'feasible':>8} "
        f"{'greedy':>8}"
    )
    print(head)
    print("-" * len(head))
    bad = False
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            out = Path(tmp) / path.name
            known = optima.get(path.name, {})
            optimum, relaxed = known.get("optimum_welfare"), known.get("relaxed_welfare")
            wall, peak, code, err = run_engine(path, out)
            if code != 0:
                print(f"{path.name:<22} engine failed (exit {code}): {err}")
                bad = True
                continue
            fig = judge(check, path, out, optimum)
            ratio_relaxed = fig["welfare"] / relaxed if relaxed else float("nan")
            doc = json.loads(out.read_text())
            greedy = float("nan")
            if doc["format"].endswith("/1") and optimum:
                ins = load_instance(path)
                cand = compatible_pairs(ins)
                greedy = welfare(cand, greedy_allocate(cand)) / optimum
                del cand, ins
            bad |= not fig["feasible"]
            print(
                f"{path.name:<22} {known.get('listings', 0):>8} {len(doc['deals']):>6} "
                f"{wall:>7.2f} {peak:>9.0f} {fig.get('welfare_ratio', float('nan')):>9.5f} "
                f"{ratio_relaxed:>9.5f} {fig['reciprocal_recall']:>6.4f} "
                f"{fig['reciprocal_precision']:>9.4f} {str(fig['feasible']).lower():>8} "
                f"{greedy:>8.5f}",
                flush=True,
            )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
