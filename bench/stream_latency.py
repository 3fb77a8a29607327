"""Latency from a node's get_stream_writer() write to LangGraph's client receiving the
`custom` event, on the local host (`python -m bench.stream_latency`).

The node (bench/apps/streaming) writes `--writes` events `--gap` seconds apart, each
stamped with the wall clock; the client (langgraph_sdk) stamps each on arrival.
``--mode live`` serves the app with HTTP streaming on (the stream follows the run);
``--mode buffered`` with it off (the stream is answered when the run ends, so the
figures show that wait); ``both`` (the default) measures each in its own process
(the extension, once imported, is on for the whole process, as in a worker).
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


def measure(writes: int, gap: float, runs: int, live: bool) -> dict[str, float]:
    os.environ["DURABLE_GRAPH_HTTP_STREAMING"] = "1" if live else "0"
    os.environ["PYTHON_ENABLE_INIT_INDEXING"] = "1"
    delays: list[float] = []
    with (
        tempfile.TemporaryDirectory() as folder,
        LocalHost(APP, store=Path(folder) / "hub.sqlite3") as host,
        get_sync_client(url=f"{host.base_url}/api/langgraph", api_key=None) as client,
    ):
        for _ in range(runs):
            body = {"writes": writes, "gap_seconds": gap}
            for part in client.runs.stream(None, "writer", input=body, stream_mode="custom"):
                if part.event == "custom":
                    delays.append(time.time() - part.data["sent"])
    delays.sort()
    return {
        "events": len(delays),
        "p50_ms": 1000 * statistics.median(delays),
        "p99_ms": 1000 * delays[min(len(delays) - 1, int(0.99 * len(delays)))],
        "max_ms": 1000 * delays[-1],
        "run_ms": 1000 * writes * gap,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--gap", type=float, default=0.005)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mode", choices=["live", "buffered", "both"], default="both")
    args = parser.parse_args()
    if args.mode != "both":
        figures = measure(args.writes, args.gap, args.runs, live=args.mode == "live")
        print(json.dumps(figures))
        return
    report = {}
    for mode in ("live", "buffered"):
        command = [sys.executable, "-m", "bench.stream_latency", "--mode", mode]
        command += ["--writes", str(args.writes), "--gap", str(args.gap), "--runs", str(args.runs)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        report[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
