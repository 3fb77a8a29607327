"""Side by side with LangGraph: the hand-built graph shapes issue 20 listed as gaps
(tests/langgraph/apps/langgraph_app/lg_gaps.py), each run by LangGraph and over HTTP."""

from __future__ import annotations

import asyncio
import re
import sys
from typing import Any

import pytest
from langgraph._internal._config import DEFAULT_RECURSION_LIMIT
from langgraph.checkpoint.memory import MemorySaver
from langgraph.types import Command

from azure_functions_durable_graph.errors import StateMergeError
from azure_functions_durable_graph.langgraph import from_langgraph
from azure_functions_durable_graph.langgraph.serde import send_arg
from azure_functions_durable_graph.testing import LocalHost
from tests.helpers import eventually
from tests.langgraph.apps.langgraph_app import lg_gaps
from tests.langgraph.support import (
    GRAPHS,
    as_json,
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
        "lg_deferred_join",
        "lg_join_and_edge",
        "lg_subgraph_join_source",
        "lg_join_loop_head",
        "lg_join_into_loop_head",
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


def langgraph_outcome(graph: str, graph_input: Any) -> tuple[str, Any]:
    """("ok", the output) or (LangGraph's error class name, its message), with the graph's
    options as the invoke config."""
    compiled = GRAPHS[graph][0]().compile()
    config: Any = lg_gaps.OPTIONS.get(graph, {})
    try:
        if graph in lg_gaps.ASYNC_GRAPHS:
            return "ok", as_json(asyncio.run(compiled.ainvoke(graph_input, config)))
        return "ok", as_json(compiled.invoke(graph_input, config))
    except Exception as exc:
        return type(exc).__name__, str(exc)


def durable_outcome(host: LocalHost, graph: str, graph_input: Any) -> tuple[str, Any]:
    run = finished(host, start(host, graph, graph_input))
    if run["status"] == "Completed":
        return "ok", run["output"]
    return run["error_type"], run["error"]


@pytest.mark.parametrize(
    ("graph", "stop_at"),
    [
        ("lg_limited_loop", 6),  # recursion_limit 7: 6 supersteps run
        ("lg_limited_loop", 7),  # the 7th fails it
        ("lg_limited_entry", 5),  # entered through a path function: LangGraph's input step
        ("lg_limited_entry", 6),
    ],
)
def test_a_recursion_limit_counts_and_fails_as_in_langgraph(
    host: LocalHost, graph: str, stop_at: int
) -> None:
    graph_input = {"count": 0, "stop_at": stop_at}

    assert durable_outcome(host, graph, graph_input) == langgraph_outcome(graph, graph_input)


def test_the_default_recursion_limit_is_the_installed_langgraphs() -> None:
    """With the counting checked above, the default limit lets a run take as many node
    supersteps as LangGraph's default does (10,006 with LangGraph 1.2's 10,007)."""
    registration = from_langgraph(lg_gaps.long_loop_builder(), graph_name="loop")

    steps, _ = registration.codec.step_limit({})  # a run whose config sets no limit
    assert steps == int(DEFAULT_RECURSION_LIMIT) - 1
    assert steps >= 1010


def test_a_registered_recursion_limit_is_the_runs_default_and_leaves_the_hash_alone() -> None:
    plain = from_langgraph(lg_gaps.long_loop_builder(), graph_name="loop")
    limited = from_langgraph(lg_gaps.long_loop_builder(), graph_name="loop", recursion_limit=7)
    older = from_langgraph(lg_gaps.long_loop_builder(), graph_name="loop", max_steps=6)

    assert limited.graph_hash == plain.graph_hash  # runs pin their limit in their config
    assert limited.codec.step_limit({})[0] == older.codec.step_limit({})[0] == 6
    assert limited.codec.step_limit({"recursion_limit": 3})[0] == 2  # the run's config wins
    assert older.manifest.max_steps == 6  # runs started without a config keep it


def test_a_node_timeout_fails_the_run_with_langgraphs_node_timeout_error(
    host: LocalHost,
) -> None:
    error_type, message = langgraph_outcome("lg_timeout", {"tries": []})

    actual_type, actual_message = durable_outcome(host, "lg_timeout", {"tries": []})

    assert actual_type == error_type == "NodeTimeoutError"
    # The elapsed time LangGraph measures varies; the durable timer fires at the timeout.
    elapsed = re.compile(r"elapsed: [0-9.]+s")
    assert elapsed.sub("elapsed: *", actual_message) == elapsed.sub("elapsed: *", message)


def test_two_writers_of_a_plain_key_fail_the_run_with_langgraphs_invalid_update_error(
    host: LocalHost,
) -> None:
    error_type, message = langgraph_outcome("lg_concurrent_write", {"verdict": "none"})

    actual_type, actual_message = durable_outcome(host, "lg_concurrent_write", {"verdict": "none"})

    assert actual_type == error_type == "InvalidUpdateError"
    assert actual_message.endswith(message)  # after "Graph ..., key ... written by ...: "


def test_a_node_error_is_named_by_the_class_langgraph_raises(host: LocalHost) -> None:
    graph_input = GRAPHS["lg_failing"][1]
    with pytest.raises(ValueError) as raised:
        GRAPHS["lg_failing"][0]().compile().invoke(graph_input)

    error_type, message = durable_outcome(host, "lg_failing", graph_input)

    assert error_type == type(raised.value).__name__ == "ValueError"
    assert message.endswith(f"ValueError: {raised.value}")


def test_a_stateful_subgraph_keeps_its_state_between_calls_as_with_a_checkpointer(
    host: LocalHost,
) -> None:
    """checkpointer=True keeps a subgraph's state between calls when the parent has a
    checkpointer (a durable run always has one); each call's input goes through its
    reducers onto what the previous call left."""
    builder, graph_input = GRAPHS["lg_stateful_subgraph"]
    compiled = builder().compile(checkpointer=MemorySaver())
    expected = as_json(compiled.invoke(graph_input, {"configurable": {"thread_id": "t"}}))
    assert expected != langgraph_invoke("lg_stateful_subgraph")  # the state was kept

    assert durable_output(host, "lg_stateful_subgraph", graph_input) == expected


def test_a_send_with_a_command_argument_to_a_subgraph_node_fails_saying_so() -> None:
    registration = from_langgraph(lg_gaps.send_to_subgraph_builder(), graph_name="sends")
    child = registration.subgraphs["item"]
    start_state = send_arg(Command(update={"item": "a"}))

    with pytest.raises(StateMergeError, match="a Send whose argument is a Command"):
        child.codec.load(start_state)
