"""Latency from a node's get_stream_writer() write to LangGraph's client receiving the
`custom` event, on the local host (`python -m bench.stream_latency`).

The node (bench/apps/streaming) writes `--writes` events `--gap` seconds apart, each
stamped with the wall clock; the client (langgraph_sdk) stamps each on arrival. The
local host answers a stream when the run ends (docs/agent-server-api.md, Streaming),
so the figures show that wait, not a live stream's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from langgraph_sdk import get_sync_client

from azure_functions_durable_graph.testing import LocalHost

APP = Path(__file__).parent / "apps" / "streaming"


def measure(writes: int, gap: float, runs: int) -> dict[str, float]:
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
    args = parser.parse_args()
    print(json.dumps(measure(args.writes, args.gap, args.runs), indent=1))


if __name__ == "__main__":
    main()
