"""Per-step cost of the HTTP path against LangGraph, with CPU time: for A/B runs of two code bases.

`python -m bench.pairs [--workloads linear-10,loop-200] [--rounds 3]` runs
`durable-graph http sqlite` and `langgraph+sqlite-wal-normal` in one process,
interleaved (the order alternates each round), and prints per workload the
median wall and CPU time per node step and their ratios. CPU time is the
process's (client, HTTP API, local host and activities all run in it), which a
shared machine's load disturbs much less than wall time.

To compare two code bases, export the other one (``git archive main runtime
bench | tar -x -C /tmp/base``) and alternate processes, each printing its own
ratios::

    for i in 1 2 3 4 5 6; do
      (cd /tmp/base && PYTHONPATH=/tmp/base/runtime:/tmp/base python -m bench.pairs)
      python -m bench.pairs
    done

(the base needs no copy of this file: run this one with ``PYTHONPATH`` set.)
"""

from __future__ import annotations

import argparse
import statistics
import time
from contextlib import ExitStack

from bench import workloads as w
from bench.graph_system import graph_system
from bench.langgraph_system import langgraph_system

DEFAULT = "linear-10,loop-200,fanout-50,agent-20"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", default=DEFAULT, help=f"comma-separated (default {DEFAULT})")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    known = {workload.name: workload for workload in (*w.FULL, *w.QUICK)}
    plan = [known[name] for name in args.workloads.split(",")]
    with ExitStack() as stack:
        systems = {
            "ours": stack.enter_context(graph_system("http", "sqlite")),
            "ref": stack.enter_context(langgraph_system("langgraph+sqlite-wal-normal")),
        }
        for workload in plan:  # warm-up: imports and caches
            for system in systems.values():
                system.run(workload if workload.steps < 200 else w.loop(20))
        wall: dict[tuple[str, str], list[float]] = {}
        cpu: dict[tuple[str, str], list[float]] = {}
        for index in range(args.rounds):
            order = list(systems) if index % 2 == 0 else list(systems)[::-1]
            for workload in plan:
                for name in order:
                    started, used = time.perf_counter(), time.process_time()
                    systems[name].run(workload)
                    key = (workload.name, name)
                    wall.setdefault(key, []).append(time.perf_counter() - started)
                    cpu.setdefault(key, []).append(time.process_time() - used)
    for workload in plan:
        ours, ref = _per_step(wall, workload, "ours"), _per_step(wall, workload, "ref")
        ours_cpu, ref_cpu = _per_step(cpu, workload, "ours"), _per_step(cpu, workload, "ref")
        print(
            f"{workload.name:10s} ours {ours:7.3f} ms/step  ref {ref:7.3f} ms/step  "
            f"ratio {ours / ref:5.2f}x | cpu ours {ours_cpu:7.3f} ref {ref_cpu:7.3f} "
            f"ratio {ours_cpu / ref_cpu:5.2f}x",
            flush=True,
        )


def _per_step(times: dict[tuple[str, str], list[float]], workload: w.Workload, name: str) -> float:
    """Median milliseconds per node step."""
    return statistics.median(times[(workload.name, name)]) / workload.steps * 1000


if __name__ == "__main__":
    main()
