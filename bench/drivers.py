"""Two ways to drive the benchmark app: the Engine directly, or HTTP through LocalHost.

The engine driver measures the host's own per-step cost (episodes, history,
store, activity dispatch). The HTTP driver adds what a user pays on top: the
app's HTTP starter, the real DurableOrchestrationClient calling the
management API, and status polling.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Protocol

from azure_functions_durable_graph.local import worker_loop
from azure_functions_durable_graph.local.app_loader import load_app, unload_app
from azure_functions_durable_graph.local.catalog import AppCatalog
from azure_functions_durable_graph.local.clock import WallClock
from azure_functions_durable_graph.local.engine import Engine
from azure_functions_durable_graph.local.store.store import Store
from azure_functions_durable_graph.testing import LocalHost

APP_DIR = Path(__file__).parent / "apps" / "chain"
ORCHESTRATOR = "chain"
STORES = ("memory", "sqlite")
RUN_TIMEOUT = 1800.0  # a 1,000-step run replays ~2 million history events


class BenchmarkError(RuntimeError):
    """A benchmark run did not complete with the output the chain must produce."""


class Driver(Protocol):
    """Runs chains of `steps` activities and checks every output."""

    def run_one(self, steps: int) -> None: ...

    def run_batch(self, steps: int, count: int) -> None: ...


def _check(status: dict[str, Any] | None, instance_id: str, steps: int) -> None:
    if status is None or status.get("runtimeStatus") != "Completed":
        found = None if status is None else (status.get("runtimeStatus"), status.get("output"))
        raise BenchmarkError(f"run {instance_id}: expected Completed, found {found}")
    if status.get("output") != steps:
        found = status.get("output")
        raise BenchmarkError(f"run {instance_id}: expected output {steps}, found {found!r}")


def _store_location(store: str, folder: Path) -> str:
    if store == "memory":
        return ":memory:"
    if store == "sqlite":
        return str(folder / f"bench-{time.monotonic_ns()}.sqlite3")
    raise ValueError(f"store must be one of {STORES}, got {store!r}")


class TimedCatalog:
    """A FunctionCatalog that adds up the time spent in SDK episodes and in activities.

    What is left of a run's time is the host's own overhead: store, history,
    scheduling and the hops between the worker loop and its thread pool.
    """

    def __init__(self, inner: AppCatalog) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.episode_seconds = 0.0
        self.activity_seconds = 0.0

    def reset(self) -> None:
        with self._lock:
            self.episode_seconds = self.activity_seconds = 0.0

    def _add_episode(self, seconds: float) -> None:
        with self._lock:
            self.episode_seconds += seconds

    def orchestrator(self, name: str) -> Callable[[str], str] | None:
        handle = self._inner.orchestrator(name)
        if handle is None:
            return None
        inner_handle = handle

        def timed(payload: str) -> str:
            started = time.perf_counter()
            try:
                return inner_handle(payload)
            finally:
                self._add_episode(time.perf_counter() - started)

        return timed

    def has_activity(self, name: str) -> bool:
        return self._inner.has_activity(name)

    def entity(self, name: str) -> Callable[..., Any] | None:
        return self._inner.entity(name)

    async def run_activity(self, name: str, input_json: str | None) -> str:
        started = time.perf_counter()
        try:
            return await self._inner.run_activity(name, input_json)
        finally:
            elapsed = time.perf_counter() - started
            with self._lock:
                self.activity_seconds += elapsed

    @property
    def orchestrator_names(self) -> list[str]:
        return self._inner.orchestrator_names


class EngineDriver:
    """Starts runs with `Engine.start_orchestration` and waits with `wait_until_idle`."""

    def __init__(self, engine: Engine, catalog: TimedCatalog) -> None:
        self._engine = engine
        self.catalog = catalog

    def run_one(self, steps: int) -> None:
        self.run_batch(steps, 1)

    def run_batch(self, steps: int, count: int) -> None:
        worker_loop.run_sync(self._run(steps, count), timeout=RUN_TIMEOUT)

    async def _run(self, steps: int, count: int) -> None:
        payload = json.dumps({"steps": steps})
        ids = [await self._engine.start_orchestration(ORCHESTRATOR, payload) for _ in range(count)]
        await self._engine.wait_until_idle()
        for instance_id in ids:
            status = await self._engine.get_status(instance_id, show_input=False)
            _check(status, instance_id, steps)


class HttpDriver:
    """Starts runs through the app's HTTP starter (the real client) and polls their status."""

    def __init__(self, host: LocalHost) -> None:
        self._host = host

    def run_one(self, steps: int) -> None:
        self.run_batch(steps, 1)

    def run_batch(self, steps: int, count: int) -> None:
        ids = []
        for _ in range(count):
            response = self._host.post(f"/api/orchestrators/{ORCHESTRATOR}", json={"steps": steps})
            if response.status != 202:
                raise BenchmarkError(f"starter answered {response.status}: {response.text}")
            ids.append(response.json()["id"])
        for instance_id in ids:
            status = self._host.wait_for_status(
                instance_id, "Completed", "Failed", "Terminated", timeout=RUN_TIMEOUT
            )
            _check(status, instance_id, steps)


@contextmanager
def engine_driver(store: str) -> Iterator[EngineDriver]:
    """An Engine over the benchmark app on a fresh store ("memory" or "sqlite" file)."""
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        loaded = load_app(APP_DIR)
        try:
            catalog = TimedCatalog(AppCatalog(loaded.functions, directory=str(APP_DIR)))
            backing = Store(_store_location(store, Path(folder)))
            engine = Engine(catalog, backing, WallClock())
            worker_loop.run_sync(engine.start())
            try:
                yield EngineDriver(engine, catalog)
            finally:
                worker_loop.run_sync(engine.stop())
                backing.close()
        finally:
            unload_app(loaded)


@contextmanager
def http_driver(store: str) -> Iterator[HttpDriver]:
    """A LocalHost serving the benchmark app on a fresh store, driven over real HTTP."""
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        host = stack.enter_context(LocalHost(APP_DIR, store=_store_location(store, folder)))
        yield HttpDriver(host)
