"""The conformance suite: each graph run by LangGraph itself and by from_langgraph on the local
host over HTTP; the run's output (its final state) must equal, as JSON, what
`compiled.invoke` returned."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.memory import MemorySaver
from langgraph.types import Command

from azure_functions_durable_graph.testing import LocalHost
from tests.helpers import eventually
from tests.langgraph.apps.langgraph_app import lg_features
from tests.langgraph.support import (
    APP,
    GRAPHS,
    as_json,
    langgraph_invoke,
    langgraph_invoke_and_resume,
    without_random_ids,
)

FINISHED = ("Completed", "Failed", "Terminated")


def start(host: LocalHost, graph: str, graph_input: Any) -> dict[str, Any]:
    response = host.post(f"/api/graphs/{graph}/runs", json={"input": graph_input})
    assert response.status == 202, response.text
    links: dict[str, Any] = response.json()
    return links


def status(host: LocalHost, links: dict[str, Any]) -> dict[str, Any]:
    response = host.get(links["status_url"])
    assert response.status == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def finished(host: LocalHost, links: dict[str, Any]) -> dict[str, Any]:
    return eventually(lambda: (run := status(host, links))["status"] in FINISHED and run)


def durable_output(host: LocalHost, graph: str, graph_input: Any) -> Any:
    run = finished(host, start(host, graph, graph_input))
    assert run["status"] == "Completed", run["error"]
    return run["output"]


def reset_attempts() -> None:
    """The flaky node counts attempts in its module; the app imported its own copy."""
    lg_features.ATTEMPTS.clear()
    app_module = sys.modules.get("lg_features")
    if app_module is not None:
        app_module.ATTEMPTS.clear()


@pytest.mark.parametrize(
    "graph",
    [
        "lg_sequence",
        "lg_loop",
        "lg_fan_out",
        "lg_defer",
        "lg_join",
        "lg_join_same_step",
        "lg_join_loop",
        "lg_map_reduce",
        "lg_subgraph",
        "lg_pydantic",
        "lg_typed_dict",
        "lg_dataclass",
        "lg_private_state",
        "lg_command",
        "lg_retry",
        "lg_entry",
        "lg_config",
        "lg_nested_invoke",
    ],
)
def test_durable_output_equals_langgraph_invoke(host: LocalHost, graph: str) -> None:
    graph_input = GRAPHS[graph][1]
    reset_attempts()
    expected = langgraph_invoke(graph)
    reset_attempts()

    assert durable_output(host, graph, graph_input) == expected


def test_messages_graph_output_equals_langgraph_invoke_but_for_generated_ids(
    host: LocalHost,
) -> None:
    graph_input = GRAPHS["lg_messages"][1]
    expected = without_random_ids(langgraph_invoke("lg_messages"))

    actual = without_random_ids(durable_output(host, "lg_messages", graph_input))

    assert actual == expected
    assert [m["id"] for m in actual["messages"]].count("<uuid>") == 1  # the ToolMessage's


def wait_for_interrupt(host: LocalHost, links: dict[str, Any], value: Any) -> None:
    """Wait until the run (or one of its subgraph runs) shows an interrupt of `value`."""

    def shown() -> bool:
        runs = [status(host, links)]
        runs += [
            status(host, {"status_url": f"/api/runs/{c['instance_id']}"})
            for c in runs[0]["children"]
        ]
        return any(i["value"] == value for run in runs for i in run["interrupts"])

    eventually(shown)


def resume(host: LocalHost, instance_id: str, value: Any) -> None:
    response = host.post(f"/api/runs/{instance_id}/resume", json={"resume": value})
    assert response.status == 202, response.text


@pytest.mark.parametrize(
    ("graph", "resumes"),
    [
        ("lg_interrupt", [{"text": "edited", "reviewer": "ann"}]),
        ("lg_two_interrupts", ["ada", 36]),
    ],
)
def test_interrupts_pause_the_run_and_resumes_finish_it_as_langgraph_does(
    host: LocalHost, graph: str, resumes: list[Any]
) -> None:
    interrupted, expected = langgraph_invoke_and_resume(graph, *resumes)
    links = start(host, graph, GRAPHS[graph][1])

    for langgraph_result, answer in zip(interrupted, resumes, strict=True):
        [langgraph_interrupt] = langgraph_result["__interrupt__"]
        wait_for_interrupt(host, links, langgraph_interrupt["value"])
        resume(host, links["instance_id"], answer)

    run = finished(host, links)
    assert run["status"] == "Completed", run["error"]
    assert run["output"] == expected


def test_an_interrupt_in_a_subgraph_is_answered_at_the_subgraph_run(host: LocalHost) -> None:
    [interrupted], expected = langgraph_invoke_and_resume("lg_subgraph_interrupt", "London")
    links = start(host, "lg_subgraph_interrupt", GRAPHS["lg_subgraph_interrupt"][1])

    [langgraph_interrupt] = interrupted["__interrupt__"]
    wait_for_interrupt(host, links, langgraph_interrupt["value"])
    [child] = status(host, links)["children"]
    assert child["node"] == "where"
    resume(host, child["instance_id"], "London")

    run = finished(host, links)
    assert run["status"] == "Completed", run["error"]
    assert run["output"] == expected


def test_parallel_interrupts_are_answered_by_id_as_in_langgraph(host: LocalHost) -> None:
    answers = {"approve as legal?": "yes", "approve as finance?": "ok"}
    compiled = lg_features.parallel_interrupts_builder().compile(checkpointer=MemorySaver())
    config: RunnableConfig = {"configurable": {"thread_id": "parallel"}}
    paused = compiled.invoke({"approvals": []}, config)
    by_id = {i.id: answers[i.value] for i in paused["__interrupt__"]}
    expected = as_json(compiled.invoke(Command(resume=by_id), config))
    links = start(host, "lg_parallel_interrupts", {"approvals": []})

    shown = eventually(
        lambda: len(interrupts := status(host, links)["interrupts"]) == 2 and interrupts
    )
    assert sorted(i["node"] for i in shown) == ["finance", "legal"]
    resume(host, links["instance_id"], {i["id"]: answers[i["value"]] for i in shown})

    run = finished(host, links)
    assert run["status"] == "Completed", run["error"]
    assert run["output"] == expected


def test_a_node_error_fails_the_run_with_the_error_langgraph_raises(host: LocalHost) -> None:
    graph_input = GRAPHS["lg_failing"][1]
    with pytest.raises(ValueError) as raised:
        lg_features.failing_builder().compile().invoke(graph_input)

    run = finished(host, start(host, "lg_failing", graph_input))

    assert run["status"] == "Failed"
    assert run["error"].endswith(f"node 'check_amount' raised ValueError: {raised.value}")


def test_a_paused_run_resumes_on_a_restarted_host(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite3"
    answer = {"text": "edited", "reviewer": "ann"}
    [interrupted], expected = langgraph_invoke_and_resume("lg_interrupt", answer)
    with LocalHost(APP, store=str(store)) as first:
        links = start(first, "lg_interrupt", GRAPHS["lg_interrupt"][1])
        wait_for_interrupt(first, links, interrupted["__interrupt__"][0]["value"])

    with LocalHost(APP, store=str(store)) as second:  # on another port
        resume(second, links["instance_id"], answer)
        run = finished(second, {"status_url": f"/api/runs/{links['instance_id']}"})

    assert run["status"] == "Completed", run["error"]
    assert run["output"] == expected
