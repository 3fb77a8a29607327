"""Every channel type and managed value LangGraph ships, LangGraph's step accounting, the
run's config and context, and a subgraph commanding its parent: LangGraph and
from_langgraph over HTTP give the same result."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from azure_functions_durable_graph.testing import LocalHost
from tests.helpers import eventually
from tests.langgraph.agents_support import APP, durable_run, langgraph_run


@pytest.fixture(scope="module")
def host() -> Iterator[LocalHost]:
    with LocalHost(APP, store=":memory:") as local_host:
        yield local_host


@pytest.mark.parametrize(
    "graph",
    [
        "channel_topic",
        "channel_topic_written_twice",
        "channel_ephemeral",
        "channel_any_value",
        "channel_untracked",
        "channel_barriers",
        "channel_delta",
        "managed_values",
        "managed_default_limit",
        "runtime_context",
        "parent_command",
    ],
)
def test_a_channel_or_managed_value_behaves_as_in_langgraph(host: LocalHost, graph: str) -> None:
    expected = langgraph_run(graph)

    assert durable_run(host, graph) == expected


def test_the_recursion_limit_fails_the_run_with_langgraphs_error(host: LocalHost) -> None:
    _, expected = langgraph_run("recursion_limit")
    _, failed = durable_run(host, "recursion_limit")

    assert expected["error"].startswith("GraphRecursionError: Recursion limit of 5 reached")
    assert failed == expected  # error_type GraphRecursionError, error LangGraph's message


def test_a_run_past_its_recursion_limit_shows_the_class_apart_from_the_message(
    host: LocalHost,
) -> None:
    body = {"input": {"seen": []}, "config": {"recursion_limit": 5}}
    started = host.post("/api/graphs/recursion_limit/runs", json=body)
    url = started.json()["status_url"]

    run = eventually(lambda: (r := host.get(url).json())["status"] == "Failed" and r)

    assert run["error_type"] == "GraphRecursionError"
    assert run["error"].startswith("Recursion limit of 5 reached without hitting a stop")


def test_a_context_that_does_not_fit_the_context_schema_is_a_422(host: LocalHost) -> None:
    body = {"input": {"seen": []}, "context": {"tier": "gold"}}  # `user` is required

    response = host.post("/api/graphs/runtime_context/runs", json=body)

    assert response.status == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert [d["loc"] for d in error["details"]] == [["user"]]


def test_the_openapi_document_describes_the_run_config_and_the_graphs_context(
    host: LocalHost,
) -> None:
    document = host.get("/api/openapi.json").json()
    schemas = document["components"]["schemas"]

    [start, _fork] = schemas["runtime_context.StartRequest"]["oneOf"]
    assert start["properties"]["config"] == {
        "anyOf": [{"$ref": "#/components/schemas/RunConfig"}, {"type": "null"}]
    }
    assert start["properties"]["context"]["required"] == ["user"]
    assert set(schemas["RunConfig"]["properties"]) == {
        "recursion_limit",
        "configurable",
        "tags",
        "metadata",
        "run_name",
    }


def test_a_command_to_the_parent_from_the_top_level_graph_fails_as_in_langgraph(
    host: LocalHost,
) -> None:
    _, expected = langgraph_run("parent_command_at_top")
    _, failed = durable_run(host, "parent_command_at_top")

    assert expected["error"].startswith("ParentCommand: ")  # LangGraph's class
    # error_type ParentCommand; the message says why (LangGraph's is the command itself).
    assert failed["error"].startswith("ParentCommand: Command(graph=Command.PARENT) was")
    assert "there is no parent graph" in failed["error"]
