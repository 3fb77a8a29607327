"""Azure's cost per superstep, counted in the local host's store (bench/cost.py's counter).

These counts do not depend on timing, except the episodes of an N-way superstep:
its task completions reach the orchestrator in as many batches as the backend
delivers them in. The local host holds results back while more of the run's
activities still run (local/instance_runner.py), so here they come in one;
Azure's backends batch what is queued when they fetch, which is not guaranteed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from azure_functions_durable_graph.durable.protocol import ORCHESTRATOR_NAME, RunInput
from azure_functions_durable_graph.local import instance_runner
from azure_functions_durable_graph.testing import LocalHost
from bench.cost import StoreCounter
from tests.api.local_apps import serve, start_run, wait_for_run

COSTS = Path(__file__).parent / "apps" / "costs"
PER_EXECUTION = 10  # the builder's default steps_per_execution


@pytest.fixture
def counted() -> Iterator[tuple[LocalHost, StoreCounter]]:
    with serve(COSTS) as host:
        yield host, StoreCounter(host.engine.store)


def run_to_the_end(host: LocalHost, graph: str, state: dict) -> dict:
    links = start_run(host, graph, state)
    run = wait_for_run(host, links, timeout=60)
    assert run["status"] == "Completed", run
    host.wait_until_idle()  # the step log's last write
    return links


def test_a_single_node_superstep_costs_one_activity_and_one_episode(counted):
    host, counter = counted
    run_to_the_end(host, "loop", {"limit": 40})
    counts = counter.take()
    executions = 40 // PER_EXECUTION

    assert counts.activities == 40
    # one episode per superstep, plus the one that starts each execution
    assert counts.episodes == 40 + executions
    # the step log: one write per execution (steps_per_execution supersteps)
    assert counts.entity_operations == executions
    assert counts.entity_operations / 40 <= 0.1
    # start, a work item and its completion per step, a start per continue-as-new, the log
    assert counts.queue_messages == 1 + 2 * 40 + (executions - 1) + executions


def test_an_n_way_superstep_costs_n_task_activities_one_apply_and_two_episodes(
    counted, monkeypatch
):
    # The host holds the tasks' results until all 8 are in (local/instance_runner.py); a
    # pause in their arrivals ends the hold, so one long enough for any machine's load.
    monkeypatch.setattr(instance_runner, "HOLD_SECONDS", 5.0)
    host, counter = counted
    run_to_the_end(host, "fan", {"items": list(range(8))})
    counts = counter.take()

    # split, 8 tasks, the apply that merges them, join
    assert counts.activities == 1 + 8 + 1 + 1
    # the start, then one episode per result: split's, the 8 tasks' (one batch), the
    # apply's and join's; the 8-way superstep took 2 (its tasks' results, the apply's)
    assert counts.episodes == 1 + 4
    assert counts.entity_operations == 1


def test_the_step_log_of_a_run_started_before_batching_is_written_per_superstep(counted):
    """A run whose input lacks "step_log_batched" (started by an earlier release) must send
    the signals its recorded history holds: one per superstep, plus the start record."""
    host, counter = counted
    registration = host_registration(host, "loop")
    run = RunInput("loop", registration.graph_hash, {"limit": 12}, record_steps=True).to_dict()
    del run["step_log_batched"]
    instance_id = host.start_new(ORCHESTRATOR_NAME, run)
    host.wait_for_status(instance_id, "Completed", timeout=60)
    host.wait_until_idle()
    counts = counter.take()

    assert counts.entity_operations == 12 + 1
    steps = host.get(f"/api/runs/{instance_id}/steps").json()["steps"]
    assert [s["state"]["count"] for s in steps] == list(range(1, 13))


def test_a_run_followed_live_writes_its_step_log_at_every_record(counted):
    """``step_log_live`` (a run whose client follows it superstep by superstep): one
    operation per record, the start record included, so the log keeps up with the run."""
    host, counter = counted
    registration = host_registration(host, "loop")
    run = RunInput(
        "loop", registration.graph_hash, {"limit": 12}, record_steps=True, step_log_live=True
    ).to_dict()
    instance_id = host.start_new(ORCHESTRATOR_NAME, run)
    host.wait_for_status(instance_id, "Completed", timeout=60)
    host.wait_until_idle()
    counts = counter.take()

    assert run["step_log_live"] is True
    assert counts.entity_operations == 12 + 1
    steps = host.get(f"/api/runs/{instance_id}/steps").json()["steps"]
    assert [s["state"]["count"] for s in steps] == list(range(1, 13))


def test_a_run_not_followed_live_keeps_its_input_as_recorded_before():
    """Inputs recorded before ``step_log_live`` existed replay unchanged: the key is
    written only when it is on."""
    plain = RunInput("g", "h", {}, record_steps=True).to_dict()

    assert "step_log_live" not in plain
    assert RunInput.parse(plain).step_log_live is False


def host_registration(host: LocalHost, graph: str) -> Any:
    """The registration the host's app serves (its module-level `runtime`)."""
    return sys.modules["function_app"].runtime.registry.latest(graph)


def test_a_failed_run_still_lists_the_steps_before_its_failure(counted):
    """The batch kept when the run fails is written with the failure (one operation)."""
    host, counter = counted
    links = start_run(host, "loop", {"limit": 20, "fail_at": 14})
    run = wait_for_run(host, links, timeout=60)
    host.wait_until_idle()

    assert run["status"] == "Failed"
    steps = host.get(f"{links['status_url']}/steps").json()["steps"]
    assert [s["state"]["count"] for s in steps] == list(range(1, 14))
    assert counter.take().entity_operations == 2  # execution 1 at its end, execution 2 failing
