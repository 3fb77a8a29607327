"""Every channel type and managed value LangGraph ships, LangGraph's step accounting, and
the run's config and context: LangGraph and from_langgraph over HTTP give the same result."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from azure_functions_durable_graph.testing import LocalHost
from tests.langgraph.agents_support import APP, durable_run, langgraph_run


@pytest.fixture(scope="module")
def host() -> Iterator[LocalHost]:
    with LocalHost(APP, store=":memory:") as local_host:
        yield local_host


@pytest.mark.parametrize(
    "graph",
    [
        "channel_topic",
        "channel_ephemeral",
        "channel_any_value",
        "channel_untracked",
        "channel_barriers",
        "channel_delta",
        "managed_values",
        "managed_default_limit",
        "runtime_context",
    ],
)
def test_a_channel_or_managed_value_behaves_as_in_langgraph(host: LocalHost, graph: str) -> None:
    expected = langgraph_run(graph)

    assert durable_run(host, graph) == expected


def test_the_recursion_limit_fails_the_run_with_langgraphs_error(host: LocalHost) -> None:
    _, (expected) = langgraph_run("recursion_limit")
    _, failed = durable_run(host, "recursion_limit")

    assert expected["error"].startswith("GraphRecursionError: Recursion limit of 5 reached")
    assert expected["error"].split(": ", 1)[1] in failed["error"]
    assert "GraphRecursionError" in failed["error"]
