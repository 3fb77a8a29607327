"""Side by side with LangGraph: the hand-built graph shapes issue 20 listed as gaps
(tests/langgraph/apps/langgraph_app/lg_gaps.py), each run by LangGraph and over HTTP."""

from __future__ import annotations

import sys

import pytest

from azure_functions_durable_graph.testing import LocalHost
from tests.helpers import eventually
from tests.langgraph.apps.langgraph_app import lg_gaps
from tests.langgraph.support import (
    GRAPHS,
    langgraph_invoke,
    langgraph_invoke_and_resume,
    without_random_ids,
)
from tests.langgraph.test_side_by_side import durable_output, finished, resume, start, status


def reset_slow_calls() -> None:
    """The slow node counts its calls in its module; the app imported its own copy."""
    lg_gaps.SLOW_CALLS.clear()
    app_module = sys.modules.get("lg_gaps")
    if app_module is not None:
        app_module.SLOW_CALLS.clear()


@pytest.mark.parametrize(
    "graph",
    [
        "lg_subgraph_schemas",
        "lg_send_to_subgraph",
        "lg_overwrite",
        "lg_remove_message",
        "lg_undeclared_key",
        "lg_send_command",
        "lg_timeout_retry",
        "lg_typing_typed_dict",
        "lg_push_message",
    ],
)
def test_durable_output_equals_langgraph_invoke(host: LocalHost, graph: str) -> None:
    reset_slow_calls()
    expected = without_random_ids(langgraph_invoke(graph))
    reset_slow_calls()

    actual = without_random_ids(durable_output(host, graph, GRAPHS[graph][1]))

    assert actual == expected


def test_an_interrupt_in_a_graph_a_node_invokes_pauses_and_resumes_the_run(
    host: LocalHost,
) -> None:
    [interrupted], expected = langgraph_invoke_and_resume("lg_nested_interrupt", "Paris")
    links = start(host, "lg_nested_interrupt", GRAPHS["lg_nested_interrupt"][1])

    [langgraph_interrupt] = interrupted["__interrupt__"]
    [shown] = eventually(lambda: status(host, links)["interrupts"])
    assert (shown["node"], shown["value"]) == ("desk", langgraph_interrupt["value"])
    resume(host, links["instance_id"], "Paris")

    run = finished(host, links)
    assert run["status"] == "Completed", run["error"]
    assert run["output"] == expected
