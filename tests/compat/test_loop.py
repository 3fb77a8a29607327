"""The sealed 0.1.0 loop (compat/engine_v1/loop.py), on the local host with 0.1.0 inputs.

A run whose input has no "engine" key was started by 0.1.0 and must go on exactly
as 0.1.0 ran it: one `durable_graph_run_node` per node step, events under their
own Durable name, applied by `durable_graph_apply_event`, waits raced against a
timer. The recorded histories in test_v010_runs.py pin the same loop from the
other side.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from azure_functions_durable_graph.durable.protocol import ORCHESTRATOR_NAME
from azure_functions_durable_graph.durable.wire import wrap_event_payload
from azure_functions_durable_graph.testing import LocalHost, VirtualClock, replay_history
from tests.compat.test_v010_runs import APP, load_app
from tests.helpers import eventually

HASHES = {r.graph_name: r.graph_hash for r in load_app().runtime.registry.latest_registrations()}
TASK_SCHEDULED, TIMER_CREATED = 4, 10


@pytest.fixture(scope="module")
def host() -> Iterator[LocalHost]:
    with LocalHost(APP, store=":memory:", clock=VirtualClock()) as running:
        yield running


def start_legacy(host: LocalHost, graph: str, state: dict[str, Any], instance_id: str) -> str:
    run_input = {"graph_name": graph, "graph_hash": HASHES[graph], "state": state}
    return host.start_new(ORCHESTRATOR_NAME, run_input, instance_id=instance_id)


def custom(host: LocalHost, instance_id: str) -> dict[str, Any]:
    return (host.status(instance_id) or {}).get("customStatus") or {}


def scheduled(host: LocalHost, instance_id: str) -> list[tuple[str, str]]:
    return [
        (e["Name"], json.loads(e["Input"]).get("node") or json.loads(e["Input"])["event_name"])
        for e in host.history(instance_id)
        if e["EventType"] == TASK_SCHEDULED
    ]


def test_a_loop_runs_one_0_1_0_activity_per_step_with_the_0_1_0_status_and_output(host):
    instance_id = start_legacy(host, "counter", {"limit": 2}, "legacy-counter")

    done = host.wait_for_status(instance_id, "Completed")

    assert scheduled(host, instance_id) == [
        ("durable_graph_run_node", n) for n in ("bump", "bump", "done")
    ]
    assert done["customStatus"] == {
        "graph": "counter",
        "version": "1",
        "hash": HASHES["counter"],
        "node": "done",
        "step": 3,
        "waiting": None,
    }
    assert done["output"] == {
        "graph": "counter",
        "version": "1",
        "hash": HASHES["counter"],
        "final_node": "done",
        "steps": 3,
        "path": ["bump", "bump", "done"],
        "state": {"count": 2, "limit": 2, "log": ["bump 1", "bump 2", "done"]},
    }


def test_a_wait_takes_the_event_by_its_own_name_and_applies_it_in_one_activity(host):
    instance_id = start_legacy(host, "approval", {"amount": 500}, "legacy-approval")
    eventually(lambda: custom(host, instance_id).get("waiting"))
    assert custom(host, instance_id)["waiting"] == {
        "event_name": "manager_approval",
        "resume_node": "apply_decision",
    }

    # DurableOrchestrationClient.raise_event JSON-encodes the API's envelope twice.
    envelope = wrap_event_payload("manager_approval", {"approved": False})
    host.raise_event(instance_id, "manager_approval", json.dumps(envelope))
    done = host.wait_for_status(instance_id, "Completed")

    assert done["output"]["state"]["outcome"] == "rejected"
    assert scheduled(host, instance_id) == [
        ("durable_graph_run_node", "classify"),
        ("durable_graph_apply_event", "manager_approval"),
        ("durable_graph_run_node", "apply_decision"),
    ]


def test_an_event_raised_with_a_plain_payload_is_applied_too(host):
    instance_id = start_legacy(host, "approval", {"amount": 500}, "legacy-plain")
    eventually(lambda: custom(host, instance_id).get("waiting"))

    host.raise_event(instance_id, "manager_approval", {"approved": True})

    assert host.wait_for_status(instance_id, "Completed")["output"]["state"]["outcome"] == "paid"


def test_the_event_in_time_wins_the_race_and_the_timer_first_goes_to_the_timeout_node(host):
    in_time = start_legacy(host, "deadline", {"amount": 500}, "legacy-in-time")
    late = start_legacy(host, "deadline", {"amount": 500}, "legacy-late")
    for instance_id in (in_time, late):
        eventually(lambda i=instance_id: custom(host, i).get("waiting"))
    assert set(custom(host, late)["waiting"]) == {
        "event_name",
        "resume_node",
        "timeout_node",
        "deadline",
    }

    host.raise_event(in_time, "manager_approval", {"approved": True})
    host.wait_for_status(in_time, "Completed")
    host.advance(timedelta(hours=73))
    timed_out = host.wait_for_status(late, "Completed")

    assert host.status(in_time)["output"]["path"] == ["classify", "apply_decision"]  # type: ignore[index]
    assert timed_out["output"]["path"] == ["classify", "escalate"]
    assert ("durable_graph_apply_event", "manager_approval") not in scheduled(host, late)


def test_a_run_of_an_unregistered_hash_fails_saying_so(host):
    run_input = {"graph_name": "counter", "graph_hash": "0000000000000000", "state": {}}
    instance_id = host.start_new(ORCHESTRATOR_NAME, run_input, instance_id="legacy-gone")

    failed = host.wait_for_status(instance_id, "Failed")

    assert "Graph 'counter' version with hash '0000000000000000' is not registered" in str(
        failed["output"]
    )


def test_malformed_run_input_fails_clearly(host):
    instance_id = host.start_new(ORCHESTRATOR_NAME, {"graph": "x"}, instance_id="legacy-bad")

    failed = host.wait_for_status(instance_id, "Failed")

    assert "a graph run's input must be" in str(failed["output"])


def test_a_finished_legacy_run_replays_through_the_same_loop(host):
    instance_id = start_legacy(host, "counter", {"limit": 3}, "legacy-replay")
    host.wait_for_status(instance_id, "Completed")
    handle = {f.get_function_name(): f.get_user_function() for f in load_app().app.get_functions()}

    outcome = replay_history(handle[ORCHESTRATOR_NAME], host.history(instance_id))

    assert outcome.error is None and outcome.state.is_done
