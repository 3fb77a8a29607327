"""Drive a conformance app over real HTTP the way a user's curl would.

Tests start runs through the app's own HTTP starter, then follow the management
links the real `DurableOrchestrationClient` put in its check-status response.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from azure_functions_durable_graph.testing import LocalHost
from tests.helpers import eventually

# What the `local_host` fixture gives a test: start(app, *, virtual_clock=False, store=":memory:").
HostFactory = Callable[..., LocalHost]

TERMINAL = ("Completed", "Failed", "Terminated")

# Straight to the local socket, whatever HTTP_PROXY says.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Reply:
    """An HTTP answer read completely: status, headers and the decoded JSON body (if any)."""

    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


def follow(url: str, method: str = "GET", body: Any = None, timeout: float = 10.0) -> Reply:
    """Call an absolute URL (a link from a check-status response) and read the whole reply."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if data is not None else {}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return Reply(response.status, dict(response.headers), response.read().decode())
    except urllib.error.HTTPError as error:
        with error:
            return Reply(error.code, dict(error.headers), error.read().decode())


def start_run(host: LocalHost, path: str, body: Any = None) -> dict[str, str]:
    """Start a run through the app's HTTP starter; return the check-status payload."""
    response = host.post(path, json=body)
    assert response.status == 202, f"starter {path} answered {response.status}: {response.text}"
    payload: dict[str, str] = response.json()
    assert response.headers.get("Location") == payload["statusQueryGetUri"]
    return payload


def poll(links: dict[str, str], *statuses: str, timeout: float = 10.0) -> dict[str, Any]:
    """Follow `statusQueryGetUri` until the run reaches one of `statuses` (default: terminal)."""
    wanted = statuses or TERMINAL

    def reached() -> dict[str, Any] | None:
        body: dict[str, Any] = follow(links["statusQueryGetUri"]).json()
        return body if body and body.get("runtimeStatus") in wanted else None

    return eventually(reached, timeout=timeout)


def event_url(links: dict[str, str], event_name: str) -> str:
    return links["sendEventPostUri"].replace("{eventName}", event_name)


# DTFx EventType codes, so tests can name events whether a history carries codes or names.
EVENT_TYPES = [
    "ExecutionStarted",
    "ExecutionCompleted",
    "ExecutionFailed",
    "ExecutionTerminated",
    "TaskScheduled",
    "TaskCompleted",
    "TaskFailed",
    "SubOrchestrationInstanceCreated",
    "SubOrchestrationInstanceCompleted",
    "SubOrchestrationInstanceFailed",
    "TimerCreated",
    "TimerFired",
    "OrchestratorStarted",
    "OrchestratorCompleted",
    "EventSent",
    "EventRaised",
    "ContinueAsNew",
    "GenericEvent",
    "HistoryState",
    "ExecutionSuspended",
    "ExecutionResumed",
]


def event_name(event: dict[str, Any]) -> str:
    kind = event["EventType"]
    return EVENT_TYPES[kind] if isinstance(kind, int) else str(kind)


def events_of(history: list[dict[str, Any]], event_type: str) -> list[dict[str, Any]]:
    """History events of one type, e.g. "TaskScheduled"."""
    assert event_type in EVENT_TYPES, f"unknown event type {event_type!r}"
    return [event for event in history if event_name(event) == event_type]
