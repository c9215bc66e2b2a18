"""How long the 503s take when the database freezes or stops under load (issue 23).

A PostgreSQL cluster of its own (initdb on a free port), three gunicorn workers with the
production settings, client threads asking a mix of pages, the API and the health check; the
cluster is frozen (SIGSTOP), thawed, stopped (``pg_ctl stop -m fast``) and started again. Prints,
per phase, the answers, the 503s by the path that made them (``X-Unavailable``: ``timeout``,
``down``, ``known``, ``busy``; the health check's own), their latency, how long the site took to
answer again, and the gunicorn log's worker timeouts, tracebacks and incident lines.

    make bench-faults                   # or: python benchmarks/bench_faults.py --frozen 20
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.site import faults  # noqa: E402


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--healthy", type=float, default=3.0)
    parser.add_argument("--frozen", type=float, default=15.0)
    parser.add_argument("--stopped", type=float, default=10.0)
    parser.add_argument("--recover", type=float, default=6.0)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    report = faults.run_scenario(
        healthy=args.healthy,
        frozen=args.frozen,
        stopped=args.stopped,
        recover=args.recover,
        threads=args.threads,
    )
    answers = report["answers"]
    print(f"{args.threads} clients, 3 gunicorn workers, {len(answers)} answers in all\n")
    print("| phase | s | answers | served | 503 | by path | 503 p50 ms | p95 | max |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, phase in report["phases"].items():
        # every answer that ended within the phase (one in flight at its start included)
        ended = [a for a in answers if phase.start <= a.started + a.took < phase.end]
        away = [a for a in ended if a.status == 503]
        took = [a.took for a in away]
        paths = Counter(a.reason or "health" for a in away)
        by_path = ", ".join(f"{k} {v}" for k, v in sorted(paths.items())) or "-"
        print(
            f"| {name} | {phase.end - phase.start:.1f} | {len(ended)} "
            f"| {sum(a.served for a in ended)} | {len(away)} | {by_path} "
            f"| {_ms(faults.percentile(took, 0.5)) if took else '-'} "
            f"| {_ms(faults.percentile(took, 0.95)) if took else '-'} "
            f"| {_ms(max(took)) if took else '-'} |"
        )
    print()
    phases = report["phases"]
    for name in ("frozen", "stopped"):
        phase = phases[name]
        ended = [a for a in answers if phase.start <= a.started + a.took < phase.end]
        pages = [a for a in ended if a.status == 503 and a.path != "/healthz"]
        first = min(pages, key=lambda a: a.started + a.took, default=None)
        if first is not None:
            print(
                f"{name}: first 503 of a page ({first.reason}) {first.took:.2f} s after its "
                f"request, {first.started + first.took - phase.start:.2f} s after the fault"
            )
    for name, fault in (("thawed", "thaw"), ("started", "start")):
        phase = phases[name]
        back = [a for a in answers if a.started >= phase.start and a.served]
        if back:
            first = min(back, key=lambda a: a.started)
            late = [a for a in answers if a.started >= phase.start and a.status == 503]
            last = max((a.started + a.took for a in late), default=phase.start)
            print(
                f"served again {first.started + first.took - phase.start:.2f} s after the "
                f"{fault}; the last 503 {last - phase.start:.2f} s after it (every worker back)"
            )
    slowest = max(answers, key=lambda a: a.took)
    print(
        f"slowest answer: {slowest.took:.2f} s ({slowest.status} {slowest.reason} {slowest.path})"
    )
    print("gunicorn log:", ", ".join(f"{k} {v}" for k, v in report["counts"].items()))


if __name__ == "__main__":
    main()
