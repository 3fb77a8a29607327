"""`make soak`: the long fuzz, load and crash suites; their figures go to docs/reliability.md.

    python -m tests.soak.run [--quick]

Each suite raises on the first failure, so a run that writes figures passed.
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from tests.soak.crash import run_crash_suite
from tests.soak.fuzzing import fuzz
from tests.soak.load import run_load_suite
from tests.soak.serving import SAMPLE_APP, serve

DOCS = Path(__file__).parents[2] / "docs" / "reliability.md"
BEGIN, END = "<!-- soak:begin -->", "<!-- soak:end -->"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, no docs update")
    args = parser.parse_args(argv)
    examples, fuzz_seconds = (20, 30) if args.quick else (2000, 600)
    load_runs = 100 if args.quick else 1000
    crash_runs, kills = (20, 2) if args.quick else (200, 5)

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        print(f"fuzz: up to {examples} examples per operation and mode...", flush=True)
        with serve(SAMPLE_APP, tmp / "fuzz.sqlite3", tmp / "fuzz.log") as (base_url, _):
            fuzzed = fuzz(base_url, max_examples=examples, deadline_seconds=fuzz_seconds)
        print(f"  {fuzzed}", flush=True)
        print(f"load: {load_runs} runs at once...", flush=True)
        load = run_load_suite(tmp, runs=load_runs)
        print(f"  {load}", flush=True)
        print(f"crash: {crash_runs} runs, {kills} SIGKILLs...", flush=True)
        crash = run_crash_suite(tmp, runs=crash_runs, kills=kills)
        print(f"  {crash}", flush=True)

    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(fuzzed.statuses.items()))
    rows = [
        (
            "Fuzz",
            f"{fuzzed.requests} requests generated from the OpenAPI document in "
            f"{fuzzed.seconds:.0f} s, valid and invalid, every operation",
            f"no 5xx, every answer conforms to the document; statuses {statuses}",
        ),
        (
            "Load",
            f"{load.runs} graph runs started at once over HTTP, one `serve`, SQLite file store",
            f"none lost or duplicated; start latency p50 {load.start_p50_ms:.0f} ms, "
            f"p99 {load.start_p99_ms:.0f} ms; {load.runs_per_second:.0f} runs/s to the last "
            f"completion ({load.completion_seconds:.1f} s)",
        ),
        (
            "Crash",
            f"{crash.runs} runs (chains, event waits, timers, retries), {crash.kills} SIGKILLs "
            "of `serve`, restarts on the same store",
            f"all completed with the right output in {crash.seconds:.0f} s; "
            f"{crash.executions} activity executions, {crash.reruns} re-runs of steps a kill "
            "caught mid-flight; no step ran again once its stored result had ended",
        ),
    ]
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    figures = (
        f"{BEGIN}\nLast `make soak`: {datetime.now(timezone.utc):%Y-%m-%d}, Python "
        f"{platform.python_version()}, {platform.machine()}, on a shared 2-core machine "
        "(figures, not promises).\n\n| Suite | What ran | Result |\n| --- | --- | --- |\n"
        f"{table}\n{END}"
    )
    if args.quick:
        print(figures)
        return 0
    text = DOCS.read_text(encoding="utf-8")
    updated, found = re.subn(
        re.escape(BEGIN) + r".*?" + re.escape(END), lambda _: figures, text, flags=re.DOTALL
    )
    if found != 1:
        print(f"{DOCS} has no {BEGIN} ... {END} block to update", file=sys.stderr)
        return 1
    DOCS.write_text(updated, encoding="utf-8")
    print(f"figures written to {DOCS}")
    return 0


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"soak took {time.monotonic() - started:.0f} s")
    sys.exit(code)
