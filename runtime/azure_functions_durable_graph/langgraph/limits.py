"""LangGraph's step limit and error names on the engine: `recursion_limit` as the engine's
`max_steps`, and the class names and messages `compiled.invoke` raises for a run out of
steps (GraphRecursionError) and a node past its timeout (NodeTimeoutError)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from langgraph.errors import ErrorCode, create_error_message
from langgraph.graph.state import StateGraph

from ._private import DEFAULT_RECURSION_LIMIT
from .retry import timeout_error


def limit_of(recursion_limit: int | None, max_steps: int | None) -> int:
    """The run's recursion limit: given, or from the old `max_steps`, or LangGraph's default."""
    if recursion_limit is not None:
        return recursion_limit
    if max_steps is not None:
        return max_steps + 1
    return int(DEFAULT_RECURSION_LIMIT)


def engine_steps(recursion_limit: int, *, start_node: bool) -> int:
    """The engine's `max_steps` for LangGraph's `recursion_limit`.

    LangGraph counts its input step too, so a run may take `recursion_limit - 1` supersteps
    of nodes. The no-op ``__start__`` node the adapter adds for a conditional or multiple
    entry is LangGraph's input step, so it takes one more engine superstep.
    """
    return max(1, recursion_limit - 1 + (1 if start_node else 0))


def error_forms(builder: StateGraph[Any, Any, Any, Any], recursion_limit: int) -> dict[str, Any]:
    """The engine's own failures under LangGraph's class names and messages."""
    message = create_error_message(
        message=(
            f"Recursion limit of {recursion_limit} reached without hitting a stop condition. "
            "You can increase the limit by setting the `recursion_limit` config key."
        ),
        error_code=ErrorCode.GRAPH_RECURSION_LIMIT,
    )
    forms: dict[str, Any] = {"step_limit": {"type": "GraphRecursionError", "message": message}}
    for name, spec in builder.nodes.items():
        seconds = _run_timeout(spec.timeout)
        if seconds is not None:
            forms[f"timeout:{name}"] = {
                "type": "NodeTimeoutError",
                "message": str(timeout_error(name, seconds)),
            }
    return forms


def _run_timeout(policy: Any) -> float | None:
    timeout = getattr(policy, "run_timeout", policy)
    if timeout is None:
        return None
    if isinstance(timeout, timedelta):
        return timeout.total_seconds()
    return float(timeout)
