"""Errors of the LangGraph adapter.

DurableGraphError
 └── LangGraphAdapterError    from_langgraph() cannot honour the graph durably
      └── UnsupportedFeature  a LangGraph feature with no durable equivalent (named)
"""

from __future__ import annotations

from ..errors import DurableGraphError


class LangGraphAdapterError(DurableGraphError, ValueError):
    """`from_langgraph` was given a graph it cannot run on Durable Functions as LangGraph would."""

    def __init__(self, graph_name: str, message: str) -> None:
        self.graph_name = graph_name
        super().__init__(f"LangGraph graph {graph_name!r}: {message}")


class UnsupportedFeature(LangGraphAdapterError):
    """The graph uses `feature`, which has no durable equivalent; the message says why."""

    def __init__(self, graph_name: str, feature: str, why: str) -> None:
        self.feature = feature
        super().__init__(graph_name, f"{feature} is not supported: {why}")
