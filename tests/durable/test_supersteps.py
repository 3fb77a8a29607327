"""Engine v2 supersteps end to end: HTTP on the local host, real Durable SDK replay."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from azure_functions_durable_graph.testing import LocalHost
from tests.api.local_apps import serve, start_run, wait_for_run

APP = Path(__file__).parent / "apps" / "supersteps"
TASK_SCHEDULED = 4


@pytest.fixture(scope="module")
def host() -> Iterator[LocalHost]:
    with serve(APP) as running:
        yield running


def scheduled(host: LocalHost, instance_id: str) -> list[tuple[str, str]]:
    """(activity, node or event) of every TaskScheduled, in order."""
    out = []
    for event in host.history(instance_id):
        if event["EventType"] == TASK_SCHEDULED:
            request = json.loads(event["Input"])
            task = request.get("task") or {}
            out.append((event["Name"], task.get("node") or request.get("event_name", "apply")))
    return out


def test_the_issue_example_maps_and_reduces_in_document_order(host: LocalHost):
    links = start_run(host, "map_reduce", {"docs": ["a", "b", "c"]})

    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert run["output"]["report"] == "A | B | C"
    assert run["path"] == ["split", "summarize", "summarize", "summarize", "combine"]


def test_a_50_way_map_reduce_schedules_50_tasks_in_one_episode(host: LocalHost):
    docs = [f"doc{i}" for i in range(50)]
    links = start_run(host, "map_reduce", {"docs": docs})

    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert run["output"]["summaries"] == [d.upper() for d in docs]
    history = host.history(links["instance_id"])
    episodes: list[list[str]] = []
    for event in history:
        if event["EventType"] == 12:  # OrchestratorStarted opens an episode
            episodes.append([])
        elif event["EventType"] == TASK_SCHEDULED:
            episodes[-1].append(event["Name"])
    summarize_episodes = [e for e in episodes if "durable_graph_task" in e]
    assert [e.count("durable_graph_task") for e in summarize_episodes] == [50]
    assert scheduled(host, links["instance_id"]).count(("durable_graph_task", "summarize")) == 50
    # A Send task carries its argument, not the graph state.
    first_task = next(e for e in history if e.get("Name") == "durable_graph_task")
    assert "state" not in json.loads(first_task["Input"])


def test_a_static_fan_out_runs_both_branches_then_joins_once(host: LocalHost):
    links = start_run(host, "fan", {})

    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert run["output"]["seen"] == ["start", "left", "right", "join"]
    assert run["output"]["joined"] == "LR"
    assert run["path"] == ["start", "left", "right", "join"]
    assert scheduled(host, links["instance_id"]) == [
        ("durable_graph_step", "start"),
        ("durable_graph_task", "left"),
        ("durable_graph_task", "right"),
        ("durable_graph_apply", "apply"),
        ("durable_graph_step", "join"),
    ]


def test_a_deferred_node_waits_for_the_longer_branch(host: LocalHost):
    links = start_run(host, "uneven", {})

    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert run["path"] == ["start", "short", "long1", "long2", "report"]
    assert run["output"]["joined"] == "start,short,long1,long2"


def test_two_parallel_writes_to_a_field_without_reducer_fail_naming_both(host: LocalHost):
    links = start_run(host, "conflict", {})

    run = wait_for_run(host, links)

    assert run["status"] == "Failed"
    assert run["error"] == (
        "Graph 'conflict', node 'right' (task 1): wrote field 'joined', which node 'left' "
        "(task 0) also wrote in the same superstep; a field written by parallel nodes needs "
        "a reducer, e.g. joined: Annotated[list[...], operator.add]"
    )


def test_a_subgraph_gets_shared_keys_and_returns_them_through_the_reducer(host: LocalHost):
    links = start_run(host, "research", {"topic": "durable graphs"})

    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    # The child started from the parent's shared keys (topic, notes=["plan"]); its final
    # notes came back through the parent's operator.add reducer, appended to the parent's
    # own list (LangGraph's rule for a shared key with a reducer).
    child_notes = ["plan", "found durable graphs", "read durable graphs"]
    assert run["output"]["notes"] == ["plan", *child_notes]
    assert "depth" not in run["output"]
    # The child is its own graph run: execution 1, superstep 2, task 0, attempt 1.
    child = host.status(f"{links['instance_id']}:research:1.2.0.1")
    assert child is not None and child["runtimeStatus"] == "Completed"


def test_send_arguments_are_validated_and_command_goto_adds_a_destination(host: LocalHost):
    items = [{"name": "pen", "qty": 2}, {"name": "ink", "qty": 1}]
    links = start_run(host, "typed_send", {"items": items})

    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert run["output"]["checked"] is True
    assert run["output"]["lines"] == ["2 x pen", "1 x ink", "summed"]
    assert sorted(run["path"]) == sorted(["check", "price", "price", "sum_up"])


def test_an_invalid_send_argument_fails_the_run_naming_the_task(host: LocalHost):
    links = start_run(host, "typed_send", {"items": [{"name": "pen"}]})

    run = wait_for_run(host, links)

    assert run["status"] == "Failed"
    assert run["error"].startswith(
        "Graph 'typed_send', node 'price' (task 0): Send argument is not a valid Item: qty:"
    )


def test_a_handler_that_mutates_its_state_in_place_is_revalidated_and_kept(host: LocalHost):
    run = wait_for_run(host, start_run(host, "mutate", {"mode": "plain"}))

    assert run["status"] == "Completed", run["error"]
    assert (run["output"]["title"], run["output"]["count"]) == ("edited", 1)


def test_an_in_place_change_that_breaks_the_state_is_blamed_on_the_node(host: LocalHost):
    run = wait_for_run(host, start_run(host, "mutate", {"mode": "invalid"}))

    assert run["status"] == "Failed"
    assert run["error"].startswith(
        "Graph 'mutate', node 'edit': returned an update that makes the state invalid for Doc: "
        "count:"
    )


def test_an_in_place_change_to_a_reducer_field_is_refused(host: LocalHost):
    run = wait_for_run(host, start_run(host, "mutate", {"mode": "reduced"}))

    assert run["status"] == "Failed"
    assert run["error"] == (
        "Graph 'mutate', node 'edit': changed field(s) ['tags'] of its state in place; they "
        "have reducers, so return the new items instead, e.g. {'tags': [...]}"
    )


def test_a_route_returning_something_else_fails_naming_node_and_value(host: LocalHost):
    run = wait_for_run(host, start_run(host, "mutate", {"mode": "route"}))

    assert run["status"] == "Failed"
    assert run["error"] == (
        "Graph 'mutate', node 'edit': route must return a RouteDecision, a node name, "
        "'__complete__', a dict or None; got int 42"
    )


def test_sends_to_a_subgraph_start_each_child_from_its_argument(host: LocalHost):
    run = wait_for_run(host, start_run(host, "survey", {"topics": ["a", "b"]}))

    assert run["status"] == "Completed", run["error"]
    assert run["output"]["notes"] == ["found a", "read a", "found b", "read b"]
    assert run["path"] == ["plan", "research", "research"]
