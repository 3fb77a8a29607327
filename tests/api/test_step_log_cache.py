"""A status poll reads a running run's step log only when the run has sent records since.

The orchestrator publishes ``logged`` (records sent to the current execution's
step log) in its custom status; `GET /api/runs/{id}` reuses the records it read
while that count stays the same (api/step_log_cache.py).
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from azure_functions_durable_graph.api.step_log_cache import StepLogCache
from azure_functions_durable_graph.durable.protocol import STEPS_ENTITY
from tests.api.local_apps import run_status, serve, start_run, wait_for_run, wait_until_waiting

APP = textwrap.dedent(
    """
    from pydantic import BaseModel

    from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder, RouteDecision


    class Counter(BaseModel):
        count: int = 0


    def route(state: Counter) -> RouteDecision:
        if state.count == 3:
            return RouteDecision.wait_for_event(event_name="go", resume_node="count")
        return RouteDecision.complete() if state.count >= 6 else RouteDecision.next("count")


    builder = ManifestBuilder(graph_name="pause", state_model=Counter)
    builder.set_entrypoint("count")
    builder.add_node("count", lambda s: {"count": s.count + 1}, route=route)
    builder.add_event_handler("go", lambda s, payload: None)
    runtime = DurableGraphApp()
    app = runtime.function_app
    runtime.register_registration(builder.build())
    """
)


@pytest.fixture
def host(tmp_path: Path):
    (tmp_path / "function_app.py").write_text(APP)
    with serve(tmp_path) as running:
        yield running


def count_step_log_reads(host: Any) -> list[str]:
    """Every read of a step log entity's state the host's store serves."""
    store = host.engine.store
    original = store.entity_state
    reads: list[str] = []

    def counted(scheduler_id: str) -> Any:
        if scheduler_id.startswith(f"@{STEPS_ENTITY}@"):
            reads.append(scheduler_id)
        return original(scheduler_id)

    store.entity_state = counted
    return reads


def test_polls_of_a_waiting_run_read_its_step_log_once(host):
    links = start_run(host, "pause", {})
    waiting = wait_until_waiting(host, links, "go")
    host.wait_until_idle()  # the step log's batch is written when the run goes idle
    sys.modules["function_app"].runtime._api.step_logs = StepLogCache()  # forget those polls
    reads = count_step_log_reads(host)

    states = [run_status(host, links)["state"] for _ in range(5)]

    assert waiting["state"]["count"] in (0, 3)  # it may lag until the batch lands
    assert states == [{"count": 3}] * 5
    assert len(reads) == 1

    sent = host.post(links["events_url"].format(event_name="go"), json={})
    assert sent.status == 202, sent.text
    done = wait_for_run(host, links, timeout=30)
    assert done["status"] == "Completed"
    assert done["state"] == {"count": 6}


def test_a_cached_read_is_used_only_for_the_count_it_holds():
    cache = StepLogCache(size=2)
    cache.put(("run", "log", 1), [{"kind": "start"}])

    assert cache.get(("run", "log", 1), 1) == [{"kind": "start"}]
    assert cache.get(("run", "log", 1), 2) is None  # the run sent more since
    assert cache.get(("run", "log", 2), 1) is None  # another execution's log

    cache.put(("b", "log", 1), [])
    cache.put(("c", "log", 1), [])
    assert cache.get(("run", "log", 1), 1) is None  # the oldest went first
