"""Test harness: the whole app on the local Durable host, in-process.

`LocalHost` imports function_app.py as the Functions host would and serves it
over HTTP with an in-memory store and a virtual clock (durable timers fire
when a test calls `host.advance(...)`, not in real time).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from azure_functions_durable_graph.testing import LocalHost, VirtualClock

APP_DIR = Path(__file__).resolve().parent.parent


class GraphService:
    """The service's HTTP API as a test sees it: start runs, read them, send events."""

    def __init__(self, host: LocalHost) -> None:
        self.host = host

    def start(self, graph_name: str, state: dict[str, Any]) -> str:
        response = self.host.post(f"/api/graphs/{graph_name}/runs", json={"input": state})
        assert response.status == 202, response.text
        return str(response.json()["instance_id"])

    def run(self, instance_id: str) -> dict[str, Any]:
        response = self.host.get(f"/api/runs/{instance_id}")
        assert response.status == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def wait_until(
        self,
        instance_id: str,
        condition: Callable[[dict[str, Any]], bool],
        timeout: float = 10.0,
    ) -> dict[str, Any]:
        """Poll the run until `condition(run)` holds; fail with the last run seen."""
        deadline = time.monotonic() + timeout
        run = self.run(instance_id)
        while not condition(run):
            if time.monotonic() > deadline:
                raise AssertionError(f"run {instance_id} did not get there in {timeout}s: {run}")
            time.sleep(0.01)
            run = self.run(instance_id)
        return run

    def wait_for_event(self, instance_id: str, event_name: str) -> dict[str, Any]:
        return self.wait_until(
            instance_id,
            lambda run: (run.get("waiting_for") or {}).get("event_name") == event_name,
        )

    def wait_finished(self, instance_id: str) -> dict[str, Any]:
        self.host.wait_for_status(instance_id, "Completed", "Failed", "Terminated")
        return self.run(instance_id)

    def send_event(self, instance_id: str, event_name: str, payload: Any) -> None:
        response = self.host.post(f"/api/runs/{instance_id}/events/{event_name}", json=payload)
        assert response.status == 202, response.text

    def cancel(self, instance_id: str, reason: str) -> None:
        response = self.host.post(f"/api/runs/{instance_id}/cancel", json={"reason": reason})
        assert response.status == 202, response.text


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def host(clock: VirtualClock) -> Iterator[LocalHost]:
    with LocalHost(APP_DIR, store=":memory:", clock=clock) as local_host:
        yield local_host


@pytest.fixture
def service(host: LocalHost) -> GraphService:
    return GraphService(host)
