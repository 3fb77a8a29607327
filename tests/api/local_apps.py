"""Shared helpers for graph apps served by the local host and driven over real HTTP.

`serve()` starts a `LocalHost` on a virtual clock; the other helpers start runs and
poll their status resource the way a client of the HTTP API would.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from azure_functions_durable_graph.testing import LocalHost, VirtualClock
from tests.helpers import eventually

APPS = Path(__file__).parent / "apps"
FEATURES_APP = APPS / "features"


def write_function_app(folder: Path, source: str) -> Path:
    """Write `source` (dedented) as `folder/function_app.py`; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "function_app.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return folder


@contextmanager
def serve(app_dir: Path, *, store: str | Path = ":memory:") -> Iterator[LocalHost]:
    """A running local host for `app_dir` (in-memory store unless a file is given)."""
    with LocalHost(app_dir, store=str(store), clock=VirtualClock()) as host:
        yield host


def start_run(host: LocalHost, graph: str, state: dict[str, Any], **body: Any) -> dict[str, Any]:
    """POST /api/graphs/{graph}/runs; returns the 202 body (instance id and links)."""
    response = host.post(f"/api/graphs/{graph}/runs", json={"input": state, **body})
    assert response.status == 202, response.text
    links: dict[str, Any] = response.json()
    return links


def run_status(host: LocalHost, links: dict[str, Any]) -> dict[str, Any]:
    """GET the run's status_url."""
    response = host.get(links["status_url"])
    assert response.status == 200, response.text
    run: dict[str, Any] = response.json()
    return run


def wait_for_run(
    host: LocalHost, links: dict[str, Any], *statuses: str, timeout: float = 10.0
) -> dict[str, Any]:
    """Poll the run until its status is one of `statuses` (default: any finished status)."""
    wanted = statuses or ("Completed", "Failed", "Terminated")
    return eventually(
        lambda: (run := run_status(host, links))["status"] in wanted and run, timeout=timeout
    )


def wait_until_waiting(host: LocalHost, links: dict[str, Any], event_name: str) -> dict[str, Any]:
    """Poll the run until it waits for `event_name`."""

    def waiting() -> dict[str, Any] | None:
        run = run_status(host, links)
        waiting_for = run["waiting_for"] or {}
        return run if waiting_for.get("event_name") == event_name else None

    return eventually(waiting)


def send_event(host: LocalHost, links: dict[str, Any], event_name: str, payload: Any) -> int:
    """POST the event to the run's events_url; returns the HTTP status."""
    return host.post(links["events_url"].format(event_name=event_name), json=payload).status
