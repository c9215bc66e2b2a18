"""Command line: python -m exchange.matching INSTANCE.json --out RESULT.json"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time

from .engine import solve
from .formats import FormatError, dumps_result, load_instance


@contextlib.contextmanager
def _stdout_to_stderr():
    """Send what the compiled solvers print (HiGHS now and then writes a line) to standard error,
    so that standard output carries the result alone."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m exchange.matching",
        description="Propose welfare-maximising deals for a pesantren-exchange-instance/1 or /2"
        " file; the result is written in the same format version.",
    )
    parser.add_argument("instance", help="instance file (pesantren-exchange-instance/1 or /2)")
    parser.add_argument("--out", "-o", help="result file to write (default: standard output)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        instance = load_instance(args.instance)
    except FormatError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    with _stdout_to_stderr():
        result = solve(instance)
    text = dumps_result(result)
    if args.out:
        try:
            with open(args.out, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
        except OSError as e:
            print(f"error: cannot write {args.out}: {e.strerror or e}", file=sys.stderr)
            return 2
    else:
        sys.stdout.write(text)
    s = result.stats
    print(
        f"listings={s['listings']} candidate_pairs={s['candidate_pairs']} "
        f"deals={len(result.deals)} welfare={s['welfare']:.0f} "
        f"reciprocal_pairs={len(result.reciprocal_pairs)} "
        + (
            f"below_minimum={s['violations']} mip_fallbacks={s['mip_fallbacks']} "
            if "mip_fallbacks" in s
            else ""
        )
        + f"time={time.perf_counter() - started:.2f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
