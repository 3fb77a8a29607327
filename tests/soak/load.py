"""The load suite: many graph runs started at once over HTTP against one `serve` on SQLite.

None may be lost or duplicated; start latency (p50, p99) and throughput (runs
completed per second, from the first start to the last completion) are reported.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from tests.helpers import eventually
from tests.soak.serving import SAMPLE_APP, call, serve

WEBHOOK = "/runtime/webhooks/durabletask"


@dataclass
class LoadReport:
    runs: int
    start_p50_ms: float
    start_p99_ms: float
    completion_seconds: float

    @property
    def runs_per_second(self) -> float:
        return self.runs / self.completion_seconds


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def _start_all(base_url: str, runs: int) -> list[float]:
    """POST every start at once; each one's latency in ms."""
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def start(n: int) -> float:
            body = {
                "input": {"sku": f"sku-{n}", "quantity": 1 + n % 10},
                "instance_id": f"load-{n}",
            }
            began = time.perf_counter()
            async with session.post(f"{base_url}/api/graphs/orders/runs", json=body) as reply:
                text = await reply.text()
                assert reply.status == 202, (reply.status, text)
            return (time.perf_counter() - began) * 1000

        return list(await asyncio.gather(*(start(n) for n in range(runs))))


def run_load_suite(tmp: Path, *, runs: int) -> LoadReport:
    with serve(SAMPLE_APP, tmp / "load.sqlite3", tmp / "serve.log") as (base_url, _):
        began = time.perf_counter()
        latencies = asyncio.run(_start_all(base_url, runs))

        def all_completed() -> list[dict[str, Any]] | None:
            status, body = call("GET", f"{base_url}{WEBHOOK}/instances?showInput=false")
            assert status == 200, body
            done = [s for s in body if s["runtimeStatus"] not in ("Pending", "Running")]
            return body if len(done) == len(body) == runs else None

        instances = eventually(all_completed, timeout=600)
        completion = time.perf_counter() - began
    ids = [item["instanceId"] for item in instances]
    assert sorted(ids) == sorted(f"load-{n}" for n in range(runs)), "runs lost or duplicated"
    for item in instances:
        n = int(item["instanceId"].removeprefix("load-"))
        assert item["runtimeStatus"] == "Completed", item
        assert item["output"]["path"] == ["check", "ship"], item
        assert item["output"]["state"]["sku"] == f"sku-{n}", item
    return LoadReport(runs, percentile(latencies, 0.5), percentile(latencies, 0.99), completion)
