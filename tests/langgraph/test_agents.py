"""The agents people build, run by LangGraph (`compiled.invoke`, with a checkpointer and
`Command(resume=...)` for interrupts) and by from_langgraph on the local host over HTTP:
the interrupts shown and the final state must be the same."""

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
    "agent",
    [
        "agent_create_agent",
        "agent_react",
        "agent_injected_state",
        "agent_tool_node",
        "agent_tool_runtime",
        "agent_human_in_the_loop",
        "agent_summarization",
        "agent_todo_list",
        "agent_model_call_limit",
        "agent_tool_call_limit",
        "agent_supervisor",
        "agent_swarm",
        "agent_deep",
    ],
)
def test_an_agent_runs_as_in_langgraph(host: LocalHost, agent: str) -> None:
    expected = langgraph_run(agent)

    assert durable_run(host, agent) == expected
