"""Benchmark the matching engine on every sample instance.

    python benchmarks/bench_matching.py [--samples DIR]

DIR defaults to ../shared/matching/samples relative to the repository root. Each sample is solved
by `python -m exchange.matching` in its own subprocess (wall time and peak memory are that
process's, Python start-up and JSON IO included), then judged with the shared check.py; the
best-pair-first greedy is scored alongside for comparison. Exits 1 if any result is infeasible.
"""

from __future__ import annotations

import argparse
import importlib.util
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


def load_checker(samples: Path):
    path = samples.parent / "check.py"
    spec = importlib.util.spec_from_file_location("shared_check", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


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
    check = load_checker(samples)
    optima = json.loads((samples / "OPTIMA.json").read_text())
    files = sorted(
        (p for p in samples.glob("*.json") if p.name != "OPTIMA.json"),
        key=lambda p: (p.stat().st_size, p.name),
    )
    head = (
        f"{'sample':<20} {'listings':>8} {'pairs':>10} {'wall s':>7} {'peak MiB':>9} "
        f"{'welfare ratio':>13} {'recall':>6} {'precision':>9} {'feasible':>8} {'greedy ratio':>12}"
    )
    print(head)
    print("-" * len(head))
    bad = False
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            out = Path(tmp) / path.name
            optimum = optima.get(path.name, {}).get("optimum_welfare")
            wall, peak, code, err = run_engine(path, out)
            if code != 0:
                print(f"{path.name:<20} engine failed (exit {code}): {err}")
                bad = True
                continue
            errors, fig = check.check(
                check.Instance.load(str(path)), json.loads(out.read_text()), optimum
            )
            ins = load_instance(path)
            cand = compatible_pairs(ins)
            greedy = welfare(cand, greedy_allocate(cand)) / optimum if optimum else float("nan")
            bad |= bool(errors)
            print(
                f"{path.name:<20} {len(ins.listings):>8} {len(cand):>10} {wall:>7.2f} "
                f"{peak:>9.0f} {fig.get('welfare_ratio', float('nan')):>13.5f} "
                f"{fig['reciprocal_recall']:>6.4f} {fig['reciprocal_precision']:>9.4f} "
                f"{str(fig['feasible']).lower():>8} {greedy:>12.5f}",
                flush=True,
            )
            del cand, ins
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
