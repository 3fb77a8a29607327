"""Test a Durable Functions app in-process, on a real socket and a virtual clock.

    from datetime import timedelta
    from azure_functions_durable_graph.testing import LocalHost, VirtualClock

    def test_approval_times_out():
        with LocalHost("app", store=":memory:", clock=VirtualClock()) as host:
            links = host.post("/api/orders", json={"id": 1}).json()
            host.advance(timedelta(hours=72))
            assert host.wait_for_status(links["id"])["output"] == "timed out"

`replay_history(handle, history)` checks that today's orchestrator code still
replays a history recorded earlier (for example with `LocalHost.history`):
keep a few recorded runs beside your tests so an edit that would strand runs
in flight fails before it is deployed (docs/compatibility.md).

Only the local host is imported from here, never the graph runtime.
"""

from __future__ import annotations

from .local.clock import Clock, VirtualClock, WallClock
from .local.episode import EpisodeOutcome, replay_history
from .local.errors import NonDeterminismError
from .local.host import FunctionInfo, LocalHost, Response

__all__ = [
    "Clock",
    "EpisodeOutcome",
    "FunctionInfo",
    "LocalHost",
    "NonDeterminismError",
    "Response",
    "VirtualClock",
    "WallClock",
    "replay_history",
]
