"""Thread search on the local host's Agent Server API (`python -m bench.thread_search`).

`--threads` threads, each with one finished run (whose instance a search must read to
know the thread's status and values), then the mean time of LangGraph's client asking
for a page of 10 threads, and for a page of idle threads (a status filter, which reads
every thread's run). Figures and their reading: docs/agent-server-api.md, Differences.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from langgraph_sdk import get_sync_client

from azure_functions_durable_graph.testing import LocalHost

APP = Path(__file__).parent / "apps" / "streaming"


def measure(threads: int, rounds: int) -> dict[str, float]:
    with (
        tempfile.TemporaryDirectory() as folder,
        LocalHost(APP, store=Path(folder) / "hub.sqlite3") as host,
        get_sync_client(url=f"{host.base_url}/api/langgraph", api_key=None) as client,
    ):
        for _ in range(threads):
            thread_id = client.threads.create()["thread_id"]
            client.runs.wait(thread_id, "writer", input={"writes": 0, "gap_seconds": 0})
        searches: dict[str, dict[str, Any]] = {
            "page_of_10_ms": {"limit": 10},
            "idle_page_of_10_ms": {"status": "idle", "limit": 10},
        }
        figures: dict[str, float] = {"threads": threads}
        for name, query in searches.items():
            started = time.perf_counter()
            for _ in range(rounds):
                client.threads.search(**query)
            figures[name] = 1000 * (time.perf_counter() - started) / rounds
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(measure(args.threads, args.rounds), indent=1))


if __name__ == "__main__":
    main()
