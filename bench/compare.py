"""Compare this project with LangGraph and durabletask on identical workloads.

`python -m bench.compare [--quick] [--only SYSTEM] [--steps-per-execution N]`
(`make bench`). Every system is opened once; for each workload the systems take
turns within every round (the order rotates), so a change in machine load hits
all of them alike. Progress goes to stderr, the tables to stdout
(bench/README.md explains every column).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, ExitStack
from functools import partial

from bench import workloads as w
from bench.results import NO_STEP_LOG, Result
from bench.systems import System

Factory = Callable[[], AbstractContextManager[System]]
#: Workloads whose Azure cost per step is counted (one untimed run each, after the rounds).
COST_WORKLOADS = ("linear-10", "loop-50", "loop-200", "fanout-50", "agent-20",
                  "loop-5", "loop-20")  # fmt: skip


def _factories() -> dict[str, Factory]:
    from bench.durabletask_system import durabletask_system
    from bench.graph_system import graph_system
    from bench.langgraph_system import VARIANTS, langgraph_system

    found: dict[str, Factory] = {}
    for path in ("engine", "http"):
        for store in ("memory", "sqlite"):
            found[f"durable-graph {path} {store}"] = partial(graph_system, path, store)
    found[NO_STEP_LOG] = partial(graph_system, "http", "sqlite", step_log=False)
    for name in VARIANTS:
        found[name] = partial(langgraph_system, name)
    found["durabletask"] = durabletask_system
    return found


#: Long workloads get no warm-up run (the short ones warm the same code).
WARM_UP_BELOW = 200

#: Rounds per workload in the full run (quick mode runs 2 of each).
ROUNDS = {"linear-10": 20, "loop-50": 10, "loop-200": 5, "loop-800": 3, "fanout-50": 10,
          "loop-50-10KB": 5, "agent-20": 10}  # fmt: skip


def measure(
    factories: dict[str, Factory],
    plan: Sequence[w.Workload],
    rounds: Callable[[w.Workload], int],
    progress: Callable[[str], None],
) -> list[Result]:
    """Round r runs every workload that has more than r rounds, on every system.

    Workloads are interleaved as well as systems, so a ratio between two
    workloads (loop-800 / loop-50) is not skewed by load that changed between them.
    """
    cells: dict[tuple[str, str], Result] = {}
    with ExitStack() as stack:
        systems = {name: stack.enter_context(make()) for name, make in factories.items()}
        names = list(systems)
        for workload in plan:
            for name in names:
                cells[(workload.name, name)] = Result(name, workload)
        warm = [wl for wl in plan if wl.steps < WARM_UP_BELOW]
        progress(f"warm-up: {', '.join(wl.name for wl in warm)} x {len(names)} systems")
        for workload in warm:  # a warm-up run each: imports, caches
            for name in names:
                _one(systems[name], cells[(workload.name, name)], record=False)
        total = max(rounds(wl) for wl in plan)
        for index in range(total):
            due = [wl for wl in plan if index < rounds(wl)]
            progress(f"round {index + 1}/{total}: {', '.join(wl.name for wl in due)}")
            shift = index % len(names)
            for workload in due:
                for name in names[shift:] + names[:shift]:
                    cell = cells[(workload.name, name)]
                    if cell.error is None:
                        _one(systems[name], cell, record=True)
    return list(cells.values())


def _one(system: System, cell: Result, *, record: bool) -> None:
    started = time.perf_counter()
    try:
        facts = system.run(cell.workload)
    except w.WorkloadUnavailable as exc:
        cell.error = str(exc)
        return
    elapsed = time.perf_counter() - started
    if record:
        cell.seconds.append(elapsed)
        cell.facts = facts


def period() -> str:
    """The continue-as-new period the bench graphs were built with."""
    chosen = os.environ.get("BENCH_STEPS_PER_EXECUTION")
    if chosen:
        return f"steps_per_execution={chosen} (--steps-per-execution)"
    from azure_functions_durable_graph.graph.manifest import DEFAULT_STEPS_PER_EXECUTION

    return f"steps_per_execution={DEFAULT_STEPS_PER_EXECUTION} (the builder's default)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smoke mode: tiny workloads, 2 rounds")
    parser.add_argument(
        "--only", action="append", default=None, help="run only this system (repeatable)"
    )
    parser.add_argument(
        "--steps-per-execution",
        type=int,
        default=None,
        help="build the bench graphs with this continue-as-new period (default: the builder's)",
    )
    parser.add_argument(
        "--no-import-time", action="store_true", help="skip the function_app.py import timing"
    )
    args = parser.parse_args(argv)
    from bench.report_compare import render

    if args.steps_per_execution is not None:
        os.environ["BENCH_STEPS_PER_EXECUTION"] = str(args.steps_per_execution)

    factories = _factories()
    if args.only:
        unknown = sorted(set(args.only) - set(factories))
        if unknown:
            parser.error(f"unknown system(s) {unknown}; choose from {sorted(factories)}")
        factories = {k: v for k, v in factories.items() if k in args.only}
    plan = w.QUICK if args.quick else w.FULL

    def rounds(workload: w.Workload) -> int:
        return 2 if args.quick else ROUNDS.get(workload.name, 5)

    def progress(message: str) -> None:
        print(f"  running {message} ...", file=sys.stderr, flush=True)

    started = time.perf_counter()
    results = measure(factories, plan, rounds, progress)
    imports = None
    if not args.no_import_time:
        from bench import import_time

        progress("import time of a generated function_app.py")
        imports = import_time.measure(2 if args.quick else 9)
    costs = None
    if not args.only or "durable-graph http sqlite" in args.only:
        from bench import cost

        progress("Azure cost per step (one untimed run of each workload, counted in the store)")
        costs = cost.measure(
            [wl for wl in plan if wl.name in COST_WORKLOADS], (10, 50) if args.quick else (10, 200)
        )
    elapsed = time.perf_counter() - started
    print(
        render(
            results,
            quick=args.quick,
            elapsed=elapsed,
            imports=imports,
            period=period(),
            costs=costs,
        )
    )
    failed = [r for r in results if r.error is not None]
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
