"""Side by side with LangGraph: the hand-built graph shapes issue 20 listed as gaps
(tests/langgraph/apps/langgraph_app/lg_gaps.py), each run by LangGraph and over HTTP."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from azure_functions_durable_graph.testing import LocalHost
from tests.langgraph.apps.langgraph_app import lg_gaps
from tests.langgraph.support import GRAPHS, langgraph_invoke, without_random_ids
from tests.langgraph.test_side_by_side import durable_output


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
    ],
)
def test_durable_output_equals_langgraph_invoke(host: LocalHost, graph: str) -> None:
    reset_slow_calls()
    expected = without_random_ids(langgraph_invoke(graph))
    reset_slow_calls()

    actual = without_random_ids(durable_output(host, graph, GRAPHS[graph][1]))

    assert actual == expected
