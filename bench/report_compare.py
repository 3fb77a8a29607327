"""The comparison's tables: every figure per workload and system, then the issue's targets."""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from datetime import datetime, timezone
from importlib import metadata
from typing import TYPE_CHECKING

from bench.report import _table
from bench.results import NO_STEP_LOG, REFERENCE, Result

if TYPE_CHECKING:
    from bench.cost import CostRow
    from bench.import_time import ImportTime

PACKAGES = ("azure-functions", "azure-functions-durable", "pydantic", "langgraph",
            "langgraph-checkpoint-sqlite", "durabletask", "python-dateutil")  # fmt: skip


def environment() -> str:
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    cpu = platform.processor() or platform.machine()
    return (
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; Python {platform.python_version()} on "
        f"{platform.system()} {cpu}, {os.cpu_count()} CPUs\n" + ", ".join(versions)
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def _opt(value: float | int | None, fmt: str = "{:.0f}") -> str:
    return "-" if value is None else fmt.format(value)


def workload_table(results: Sequence[Result], reference: str) -> str:
    ref = {r.workload.name: r for r in results if r.system == reference and r.seconds}
    rows = []
    for r in results:
        if r.error is not None or not r.seconds:
            continue
        base = ref.get(r.workload.name)
        facts = r.facts
        steps = r.workload.steps
        per_byte = (
            None if facts is None or facts.history_bytes is None else facts.history_bytes / steps
        )
        rows.append([
            r.workload.name, r.system, str(len(r.seconds)), _ms(r.median), _ms(r.quantile(0.99)),
            _ms(r.per_step), f"{1 / r.median:.1f}", f"{r.spread:.0%}",
            "-" if base is None else f"{r.per_step / base.per_step:.2f}x",
            _opt(None if facts is None else facts.history_events),
            _opt(None if facts is None else facts.activity_calls),
            _opt(per_byte),
        ])  # fmt: skip
    headers = ["workload", "system", "runs", "median ms", "p99 ms", "per step ms", "runs/s",
               "spread", f"vs {reference}", "history events", "activity calls",
               "bytes/step"]  # fmt: skip
    return _table(headers, rows)


def targets_table(results: Sequence[Result], reference: str) -> str:
    """Issue 18's targets: per-step ratios to the reference, growth, bytes, durabletask."""
    cell = {(r.system, r.workload.name): r for r in results if r.seconds}
    systems = [s for s in dict.fromkeys(r.system for r in results) if s.startswith("durable")]

    def ratio(system: str, workload: str, other: str) -> str:
        a, b = cell.get((system, workload)), cell.get((other, workload))
        return "-" if a is None or b is None else f"{a.per_step / b.per_step:.2f}x"

    def growth(system: str) -> str:
        long, short = cell.get((system, "loop-800")), cell.get((system, "loop-50"))
        return "-" if long is None or short is None else f"{long.per_step / short.per_step:.2f}"

    def bytes_ratio(system: str) -> str:
        mine, base = cell.get((system, "loop-50-10KB")), cell.get((reference, "loop-50-10KB"))
        if mine is None or base is None or mine.facts is None or base.facts is None:
            return "-"
        if mine.facts.history_bytes is None or not base.facts.history_bytes:
            return "-"
        return f"{mine.facts.history_bytes / base.facts.history_bytes:.2f}x"

    workloads = ("linear-10", "loop-200", "fanout-50", "agent-20")
    rows = [
        [system, *(ratio(system, wl, reference) for wl in workloads), growth(system),
         bytes_ratio(system), ratio("durabletask", "loop-200", system)]
        for system in systems
    ]  # fmt: skip
    headers = ["system", *(f"{wl} per step vs ref" for wl in workloads),
               "loop-800/loop-50 per step", "10KB history bytes vs ref",
               "durabletask/this loop-200"]  # fmt: skip
    return _table(headers, rows)


def step_log_share(results: Sequence[Result], with_log: str, without_log: str) -> str:
    """What the step log costs: (with - without) / with, per step, on the same path and store."""
    cell = {(r.system, r.workload.name): r for r in results if r.seconds}
    shares = []
    for name in dict.fromkeys(r.workload.name for r in results):
        on, off = cell.get((with_log, name)), cell.get((without_log, name))
        if on is not None and off is not None:
            shares.append(f"{name} {(on.per_step - off.per_step) / on.per_step:+.0%}")
    return "Step log share of a step (" + with_log + " vs no-steplog): " + ", ".join(shares)


def cost_table(costs: Sequence[CostRow]) -> str:
    rows = []
    for row in costs:
        per = row.per_step()
        rows.append([
            row.workload, row.system, str(row.steps), f"{per['episodes']:.2f}",
            f"{per['activities']:.2f}", f"{per['entity_operations']:.2f}",
            f"{per['history_rows']:.2f}", f"{per['history_bytes']:.0f}",
            f"{per['queue_messages']:.2f}", f"{per['replayed_per_episode']:.1f}",
        ])  # fmt: skip
    headers = ["workload", "system", "node steps", "episodes", "activities", "entity ops",
               "history rows", "history bytes", "queue messages",
               "events replayed / episode"]  # fmt: skip
    return _table(headers, rows)


def render(
    results: Sequence[Result],
    *,
    quick: bool,
    elapsed: float,
    imports: ImportTime | None,
    period: str,
    costs: Sequence[CostRow] | None = None,
) -> str:

    mode = "quick (smoke) mode: figures are not meaningful" if quick else "full run"
    parts = [
        f"Side-by-side benchmark, {mode}",
        environment(),
        f"This project's bench graphs: {period}",
        "",
        f"Every workload, every system (ref = {REFERENCE}; spread = (slowest - fastest) / median)",
        "",
        workload_table(results, REFERENCE),
        "",
        "Targets of issue 18 (ratios from the table above; ref = " + REFERENCE + ")",
        "",
        targets_table(results, REFERENCE),
        "",
        step_log_share(results, "durable-graph http sqlite", NO_STEP_LOG),
    ]
    if costs is not None:
        parts += ["", "Azure cost per node step (one run each, counted in the local host's store)"]
        parts += ["", cost_table(costs)]
    if imports is not None:
        parts += [
            "",
            f"Import time of a generated function_app.py (median of {imports.processes} fresh "
            f"processes): azure.functions + azure.durable_functions + pydantic "
            f"{imports.base_seconds * 1000:.1f} ms, then function_app "
            f"+{imports.app_seconds * 1000:.1f} ms (of which garbage collection "
            f"{imports.app_gc_seconds * 1000:.1f} ms; from source, without bytecode: "
            f"+{imports.app_from_source_seconds * 1000:.1f} ms; a first pydantic model "
            f"alone: +{imports.first_model_seconds * 1000:.1f} ms)",
        ]
    failed = [r for r in results if r.error is not None]
    if failed:
        parts += ["", "FAILED workloads (no figures):"]
        parts += [f"  {r.workload.name} on {r.system}: {r.error}" for r in failed]
    parts += ["", f"total benchmark time {elapsed:.1f} s"]
    return "\n".join(parts)
