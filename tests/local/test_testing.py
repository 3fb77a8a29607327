"""`azure_functions_durable_graph.testing`: what users import in their own tests."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

import azure_functions_durable_graph.testing as testing
from azure_functions_durable_graph.testing import LocalHost, VirtualClock

APP = """
from datetime import timedelta

import azure.durable_functions as df
import azure.functions as func

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="orders", methods=["POST"])
@app.durable_client_input(client_name="client")
async def create_order(req: func.HttpRequest, client):
    instance_id = await client.start_new("approve_order", client_input=req.get_json())
    return client.create_check_status_response(req, instance_id)


@app.orchestration_trigger(context_name="context")
def approve_order(context: df.DurableOrchestrationContext):
    deadline = context.current_utc_datetime + timedelta(hours=72)
    timeout = context.create_timer(deadline)
    approved = context.wait_for_external_event("approved")
    winner = yield context.task_any([approved, timeout])
    if winner == timeout:
        return "timed out"
    timeout.cancel()
    return "approved"
"""


def test_public_names_are_frozen() -> None:
    assert testing.__all__ == [
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


def test_importing_testing_loads_no_graph_runtime() -> None:
    probe = textwrap.dedent(
        """
        import sys
        import azure_functions_durable_graph
        before = set(sys.modules)
        import azure_functions_durable_graph.testing
        pulled_in = sorted(
            name for name in set(sys.modules) - before
            if name.startswith("azure_functions_durable_graph.")
            and name.split(".")[1:2] in (["graph"], ["api"], ["app"])
        )
        print(pulled_in)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.fixture
def host(tmp_path: Path) -> Iterator[LocalHost]:
    """The fixture a user writes: one in-memory host per test, time under the test's control."""
    (tmp_path / "function_app.py").write_text(textwrap.dedent(APP))
    with LocalHost(tmp_path, store=":memory:", clock=VirtualClock()) as running:
        yield running


def test_a_72_hour_approval_times_out_in_milliseconds(host: LocalHost) -> None:
    links = host.post("/api/orders", json={"id": 1}).json()
    host.wait_for_status(links["id"], "Running")

    host.advance(timedelta(hours=72))

    assert host.wait_for_status(links["id"])["output"] == "timed out"


def test_waiting_on_a_pending_timer_says_to_advance_the_clock(host: LocalHost) -> None:
    links = host.post("/api/orders", json={"id": 3}).json()
    host.wait_for_status(links["id"], "Running")
    host.wait_until_idle()

    with pytest.raises(TimeoutError) as waited:
        host.wait_for_status(links["id"], timeout=0.2)

    assert "last status: Running; a durable timer" in str(waited.value)
    assert "host.advance(timedelta(...))" in str(waited.value)
    host.advance(timedelta(hours=72))
    assert host.timer_note() == ""  # nothing left to wait for


def test_an_approval_in_time_wins(host: LocalHost) -> None:
    links = host.post("/api/orders", json={"id": 2}).json()
    host.advance(timedelta(hours=71))

    host.raise_event(links["id"], "approved", True)

    assert host.wait_for_status(links["id"])["output"] == "approved"
