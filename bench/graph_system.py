"""This project's graphs (bench/apps/graphs) on the local host: engine or HTTP, memory or SQLite.

- engine: `Engine.start_orchestration` with the run input the HTTP API would
  build, then `wait_until_idle` on the worker loop: no HTTP, no polling.
- http: `POST /api/graphs/{graph}/runs` and polling the run's `status_url`
  every 2 ms, as a client of the graph API would.

Both count the history events the store appends for the run (over every
execution: a graph run continues as new every `steps_per_execution` supersteps).
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from azure_functions_durable_graph.durable.protocol import ORCHESTRATOR_NAME
from azure_functions_durable_graph.local.history import EventType
from azure_functions_durable_graph.local.worker_loop import run_sync
from azure_functions_durable_graph.testing import LocalHost
from bench.systems import RunFacts, System
from bench.workloads import Workload, WorkloadUnavailable, WrongResult

APP_DIR = Path(__file__).parent / "apps" / "graphs"
RUN_TIMEOUT = 1800.0
POLL_SECONDS = 0.002
NEEDS_ENGINE_V2 = (
    "fanout-50 needs engine v2 (`Send` and `Annotated[list, operator.add]` reducers); "
    "this build of azure_functions_durable_graph has no `Send`, so the bench app could not "
    "register the 'fanout' graph"
)


class GraphSystem(System):
    def __init__(self, path: str, store: str, host: LocalHost, *, step_log: bool = True) -> None:
        self.name = f"durable-graph {path} {store}" + ("" if step_log else " no-steplog")
        self._step_log = step_log
        self._path = path
        self._host = self.host = host
        self._registry = host_registry(host)
        self._written: dict[str, list[Any]] = {}
        self._record_history(host.engine.store)

    def run(self, workload: Workload) -> RunFacts:
        graph = workload.kind
        if graph not in self._registry.names():
            raise WorkloadUnavailable(_unavailable(graph))
        state = workload.initial_state()
        if self._path == "engine":
            instance_id, final = self._run_engine(graph, state)
        else:
            instance_id, final = self._run_http(graph, state)
        workload.check(final)
        return self._facts(instance_id, workload)

    def _run_engine(self, graph: str, state: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        from azure_functions_durable_graph.durable.protocol import RunInput

        registration = self._registry.latest(graph)
        engine = self._host.engine
        run = RunInput(  # what POST /api/graphs/{graph}/runs starts
            graph,
            registration.graph_hash,
            registration.codec.validate_input(state),
            steps_per_execution=registration.manifest.steps_per_execution,
        )
        run_input = json.dumps(run.to_dict())

        async def go() -> tuple[str, dict[str, Any] | None]:
            instance_id = await engine.start_orchestration(ORCHESTRATOR_NAME, run_input)
            await engine.wait_until_idle()
            return instance_id, await engine.get_status(instance_id, show_input=False)

        instance_id, status = run_sync(go(), timeout=RUN_TIMEOUT)
        if status is None or status.get("runtimeStatus") != "Completed":
            raise WrongResult(f"run {instance_id} of {graph}: expected Completed, found {status}")
        output = status.get("output")  # the orchestrator's output: {"graph", ..., "state"}
        final = output.get("state") if isinstance(output, dict) else None
        return instance_id, final if isinstance(final, dict) else {}

    def _run_http(self, graph: str, state: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        # The API reads its step_log flag when it starts a run; the app module is shared by
        # every host in this process, so the flag is set for this POST only.
        api = app_module().runtime._api
        api.step_log = self._step_log
        try:
            response = self._host.post(f"/api/graphs/{graph}/runs", json={"input": state})
        finally:
            api.step_log = True
        if response.status != 202:
            raise WrongResult(f"starting {graph} answered {response.status}: {response.text}")
        links = response.json()
        deadline = time.monotonic() + RUN_TIMEOUT
        while True:
            run = self._host.get(links["status_url"]).json()
            if run.get("status") in ("Completed", "Failed", "Terminated"):
                break
            if time.monotonic() > deadline:
                raise WrongResult(f"run {links['instance_id']} of {graph} did not finish")
            time.sleep(POLL_SECONDS)
        if run["status"] != "Completed":
            raise WrongResult(f"run {links['instance_id']} of {graph}: {run}")
        final = run.get("output")  # the API's run resource shows the final state as "output"
        return links["instance_id"], final if isinstance(final, dict) else {}

    def _facts(self, instance_id: str, workload: Workload) -> RunFacts:
        written = self._written.pop(instance_id, [])
        scheduled = sum(1 for e in written if e.get("EventType") == EventType.TASK_SCHEDULED)
        return RunFacts(
            node_calls=workload.steps,
            activity_calls=scheduled,
            history_events=len(written),
            history_bytes=sum(len(json.dumps(e)) for e in written),
        )

    def _record_history(self, store: Any) -> None:
        """Keep every event the store appends, per instance: a run continues as new every
        `steps_per_execution` supersteps, so its current history is only the last part."""
        append = store.append_history

        def recording(instance_id: str, execution_id: str, events: list[Any]) -> None:
            append(instance_id, execution_id, events)
            self._written.setdefault(instance_id, []).extend(events)

        store.append_history = recording


def _unavailable(graph: str) -> str:
    if graph == "fanout":
        return NEEDS_ENGINE_V2
    if graph == "agent":
        return str(getattr(app_module(), "AGENT_UNAVAILABLE", None) or graph)
    return graph


def app_module() -> Any:
    """The bench app module the hosts loaded (one per process, shared by every host)."""
    import sys

    return sys.modules["function_app"]


def host_registry(host: LocalHost) -> Any:
    """The graph registry of the app the host loaded (its module-level `runtime`)."""
    return app_module().runtime.registry


@contextmanager
def graph_system(path: str, store: str, *, step_log: bool = True) -> Iterator[GraphSystem]:
    """The bench app on a LocalHost with a fresh store ("memory" or a "sqlite" file).

    `step_log=False` starts HTTP runs as an app built with ``DurableGraphApp(step_log=False)``
    would: the difference to the same system with the log on is what the step log costs.
    """
    with tempfile.TemporaryDirectory(prefix="bench-graph-") as folder:
        location = ":memory:" if store == "memory" else str(Path(folder) / "hub.sqlite3")
        with LocalHost(APP_DIR, store=location, max_activity_concurrency=8) as host:
            yield GraphSystem(path, store, host, step_log=step_log)
