"""Latency from a node's get_stream_writer() write to LangGraph's client receiving the
`custom` event, on the local host (`python -m bench.stream_latency`).

The node (bench/apps/streaming) writes `--writes` events `--gap` seconds apart, each
stamped with the wall clock; the client (langgraph_sdk) stamps each on arrival.
``--mode live`` serves the app with HTTP streaming on (the stream follows the run);
``--mode buffered`` with it off (the stream is answered when the run ends, so the
figures show that wait); ``both`` (the default) measures live with ``custom``, live
with ``values,custom`` (the step log written every superstep, custom events sent after
the state they follow) and buffered, each in its own process (the extension, once
imported, is on for the whole process, as in a worker). ``after_open`` figures leave
out the events written before the client received the run's first event: those wait
for the API to record the run in its thread before the stream opens.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from langgraph_sdk import get_sync_client

from azure_functions_durable_graph.testing import LocalHost

APP = Path(__file__).parent / "apps" / "streaming"


def measure(writes: int, gap: float, runs: int, live: bool, modes: list[str]) -> dict[str, float]:
    """Delays of every `custom` event of `runs` runs, after one warm-up run (the host's
    first run imports and opens what the later ones reuse)."""
    os.environ["DURABLE_GRAPH_HTTP_STREAMING"] = "1" if live else "0"
    os.environ["PYTHON_ENABLE_INIT_INDEXING"] = "1"
    delays: list[float] = []
    opened: list[float] = []  # written once the run's stream was open (its first event came)
    with (
        tempfile.TemporaryDirectory() as folder,
        LocalHost(APP, store=Path(folder) / "hub.sqlite3") as host,
        get_sync_client(url=f"{host.base_url}/api/langgraph", api_key=None) as client,
    ):
        for run in range(runs + 1):
            body = {"writes": writes, "gap_seconds": gap}
            first: float | None = None
            for part in client.runs.stream(None, "writer", input=body, stream_mode=modes):
                now = time.time()
                first = now if first is None else first
                if part.event == "custom" and run > 0:
                    delays.append(now - part.data["sent"])
                    if part.data["sent"] >= first:
                        opened.append(now - part.data["sent"])
    return {
        "events": len(delays),
        **_percentiles("", delays),
        "events_after_open": len(opened),
        **_percentiles("after_open_", opened),
        "run_ms": 1000 * writes * gap,
    }


def _percentiles(prefix: str, delays: list[float]) -> dict[str, float]:
    if not delays:
        return {}
    delays = sorted(delays)
    return {
        f"{prefix}p50_ms": round(1000 * statistics.median(delays), 1),
        f"{prefix}p99_ms": round(1000 * delays[min(len(delays) - 1, int(0.99 * len(delays)))], 1),
        f"{prefix}max_ms": round(1000 * delays[-1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--gap", type=float, default=0.005)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mode", choices=["live", "buffered", "both"], default="both")
    parser.add_argument("--stream-mode", default="custom", help="comma-separated stream modes")
    args = parser.parse_args()
    if args.mode != "both":
        modes = args.stream_mode.split(",")
        figures = measure(args.writes, args.gap, args.runs, args.mode == "live", modes)
        print(json.dumps(figures))
        return
    report = {}
    for mode, stream_mode in (
        ("live", "custom"),
        ("live", "values,custom"),
        ("buffered", "custom"),
    ):
        command = [sys.executable, "-m", "bench.stream_latency", "--mode", mode]
        command += ["--writes", str(args.writes), "--gap", str(args.gap), "--runs", str(args.runs)]
        command += ["--stream-mode", stream_mode]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        report[f"{mode} {stream_mode}"] = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
