"""Plain-text tables of the results, with the ratios that answer the questions asked."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Sequence
from importlib import metadata

from bench.measure import ChainResult, Plan, Sample, ScalingResult


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join("-" * w for w in widths)

    def fmt(cells: Sequence[str]) -> str:
        first, *rest = cells
        right = (cell.rjust(width) for cell, width in zip(rest, widths[1:], strict=True))
        return "  ".join([first.ljust(widths[0]), *right])

    return "\n".join([fmt(headers), line, *(fmt(r) for r in rows)])


def environment() -> str:
    packages = ("azure-functions", "azure-functions-durable")
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in packages)
    return (
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs; {versions}; {sys.executable}"
    )


def _share(part: float | None, whole: float) -> str:
    return "-" if part is None else f"{part / whole:.0%}"


def _host_step(sample: Sample, steps: int) -> str:
    host = sample.host()
    return "-" if host is None else _ms(host / steps)


def chain_table(plan: Plan, results: Sequence[ChainResult]) -> str:
    memory = {r.path: r for r in results if r.store == "memory"}
    rows = [
        [
            r.path,
            r.store,
            str(r.runs),
            _ms(r.typical.seconds),
            _ms(r.per_step),
            _share(r.typical.episodes, r.typical.seconds),
            _host_step(r.typical, r.steps),
            f"{r.sequential_rate:.1f}",
            f"{r.batch_rate:.1f}",
            f"{r.typical.seconds / memory[r.path].typical.seconds:.2f}x",
        ]
        for r in results
    ]
    headers = [
        "path", "store", "runs", "per run", "per step", "SDK replay", "host/step",
        "runs/s 1-by-1", f"runs/s batch of {plan.batch_size}", "per run vs memory",
    ]  # fmt: skip
    title = (
        f"{plan.chain_steps}-activity chain: median run started after the previous one "
        f"finished, and throughput of {plan.batch_size} runs started together"
    )
    return f"{title}\n\n{_table(headers, rows)}"


def scaling_table(plan: Plan, results: Sequence[ScalingResult]) -> str:
    n0 = plan.scaling_steps[0]
    base = {(r.path, r.store): r for r in results if r.steps == n0}
    rows = []
    for r in results:
        first = base[(r.path, r.store)]
        rows.append(
            [
                r.path,
                r.store,
                str(r.steps),
                str(r.repeats),
                _fmt_seconds(r.typical.seconds),
                _ms(r.per_step),
                _share(r.typical.episodes, r.typical.seconds),
                _host_step(r.typical, r.steps),
                f"{r.typical.seconds / first.typical.seconds:.1f}x",
                f"{r.per_step / first.per_step:.2f}x",
            ]
        )
    headers = [
        "path", "store", "activities", "runs", "per run", "per step", "SDK replay",
        "host/step", f"run cost vs {n0}", f"step cost vs {n0}",
    ]  # fmt: skip
    title = (
        "One run of N sequential activities: how its cost grows with N "
        f"(linear growth would keep step cost vs {n0} at 1x)"
    )
    return f"{title}\n\n{_table(headers, rows)}"


def _fmt_seconds(seconds: float) -> str:
    return _ms(seconds) if seconds < 10 else f"{seconds:.1f} s"


LEGEND = """\
SDK replay: share of the run spent inside the Durable SDK's orchestrator handle (replaying
the history, mostly parsing every event's timestamp); host/step: per step, what is left
once SDK replays and activity bodies are taken out (store, history, scheduling, thread
hops). Both are measured on the engine path only."""
