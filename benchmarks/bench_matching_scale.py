"""How the matching engine grows with the market: generated East-Java-like markets of 25k, 50k, 100k
and 200k listings, formats 1 and 2, each solved by the CLI in its own process.

    python benchmarks/bench_matching_scale.py [--sizes 25000,50000,...] [--formats 1,2] [--national]

`--national`: the generator's national markets (East Java's pesantren density, more provinces as
the market grows) instead of ever denser East-Java ones.

Prints wall time (Python start-up and JSON IO included), CPU time (user + system: on a shared
machine it moves far less with the load than wall time), peak RSS and the engine's own summary
line; then, per format, the exponent p of time ~ n^p fitted (least squares on logs) over the sizes
from 50,000 up, for wall and CPU time (n log n from 50k to 200k reads as about 1.1).
To protect a shared machine each run gets an address-space limit (--limit-gib, default 9), a CPU
time limit (--cpu-limit, default 1200 s: CPU, not wall, since under `nice` on a busy machine wall
time is several times the CPU time) and a wall-clock limit (--timeout, default 7200 s); a run that
hits one is reported, not retried. The aim for 200,000 listings is 600 s of CPU and 4 GB.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.matching_market import generate  # noqa: E402


def run(instance: Path, out: Path, limit_gib: float, timeout: float, cpu_limit: float = 1200.0):
    """(wall s, CPU s, peak RSS MiB, exit code, last stderr line)."""

    def limits():
        cap = int(limit_gib * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        cpu = int(cpu_limit)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))

    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "exchange.matching", str(instance), "--out", str(out)],
            cwd=ROOT,
            stderr=err,
            preexec_fn=limits,
        )
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
            time.sleep(0.2)
        wall = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        peak = usage.ru_maxrss / 1024
        cpu = usage.ru_utime + usage.ru_stime
        err.seek(0)
        lines = err.read().strip().splitlines()
        return wall, cpu, peak, code, lines[-1] if lines else ""


def exponent(points: list[tuple[int, float]]) -> float | None:
    """Slope of log(time) against log(n) (least squares), None with fewer than two sizes."""
    if len(points) < 2:
        return None
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="25000,50000,100000,200000")
    parser.add_argument("--formats", default="1,2")
    parser.add_argument("--limit-gib", type=float, default=9.0)
    parser.add_argument("--timeout", type=float, default=7200.0, help="wall seconds")
    parser.add_argument("--cpu-limit", type=float, default=1200.0, help="CPU seconds")
    parser.add_argument("--national", action="store_true", help="national markets (see above)")
    args = parser.parse_args()
    print(f"{'listings':>8} {'format':>6} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9}  engine")
    fits: dict[int, list[tuple[int, float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.sizes.split(",")):
            for version in (int(x) for x in args.formats.split(",")):
                path = Path(tmp) / f"market-{n}-{version}.json"
                path.write_text(
                    json.dumps(generate(n, version, seed=n, national=args.national)),
                    encoding="utf-8",
                )
                wall, cpu, peak, code, line = run(
                    path, Path(tmp) / "out.json", args.limit_gib, args.timeout, args.cpu_limit
                )
                if code == -signal.SIGXCPU:
                    line = f"FAILED (over the CPU limit of {args.cpu_limit:.0f} s)"
                elif code != 0:
                    line = f"FAILED (exit {code}): {line[-200:]}"
                elif n >= 50_000:
                    fits.setdefault(version, []).append((n, wall, cpu))
                print(
                    f"{n:>8} {version:>6} {wall:>8.1f} {cpu:>8.1f} {peak:>9.0f}  {line}", flush=True
                )
                path.unlink()
    for version, pts in sorted(fits.items()):
        w = exponent([(n, t) for n, t, _ in pts])
        c = exponent([(n, t) for n, _, t in pts])
        if w is not None:
            sizes = ",".join(str(n) for n, _, _ in pts)
            print(f"format {version}: time ~ n^{w:.2f} (wall), n^{c:.2f} (cpu) over {sizes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
