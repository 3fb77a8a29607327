"""Run the local host benchmarks and print the tables: `python -m bench.run [--quick | --long]`."""

from __future__ import annotations

import argparse
import sys
import time

from bench.measure import FULL, LONG, QUICK, chain_results, scaling_results
from bench.report import LEGEND, chain_table, environment, scaling_table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--quick", action="store_true", help="smoke mode: a few short runs, to prove the code works"
    )
    mode.add_argument(
        "--long",
        action="store_true",
        help="scale one run up to 1,000 activities (adds several minutes per store)",
    )
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else LONG if args.long else FULL

    def progress(message: str) -> None:
        print(f"  running {message} ...", file=sys.stderr, flush=True)

    started = time.perf_counter()
    chains = chain_results(plan, progress)
    scaling = scaling_results(plan, progress)
    elapsed = time.perf_counter() - started

    label = "quick (smoke) mode: figures are not meaningful" if args.quick else "full run"
    print(f"Local Durable host benchmark, {label}{' (--long)' if args.long else ''}")
    print(environment())
    print()
    print(chain_table(plan, chains))
    print()
    print(scaling_table(plan, scaling))
    print()
    print(LEGEND)
    print()
    print(f"total benchmark time {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
