"""LangGraph's step limit and error names on the engine.

The step limit is the run's: LangGraph's `recursion_limit` comes from the run's
`config` (pinned in the run's input, so a graph's hash never depends on it), else
from the default the graph was registered with (`from_langgraph(recursion_limit=...)`
or the older `max_steps`), else from LangGraph's own default. Past it the run fails
as `compiled.invoke` does: `GraphRecursionError` with LangGraph's message. A node past
its timeout fails with LangGraph's `NodeTimeoutError` and its message.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from langgraph.errors import ErrorCode, create_error_message
from langgraph.graph.state import StateGraph

from ._private import DEFAULT_RECURSION_LIMIT
from .retry import timeout_error


def default_limit(recursion_limit: int | None, max_steps: int | None) -> int | None:
    """The recursion limit a graph gives runs whose config sets none: `recursion_limit`,
    else the older `max_steps` + 1 (LangGraph counts its input step too), else None
    (LangGraph's default)."""
    if recursion_limit is not None:
        return recursion_limit
    if max_steps is not None:
        return max_steps + 1
    return None


def recursion_limit(config: Mapping[str, Any], default: int | None = None) -> int:
    """The run's `recursion_limit`: its config's, else `default`, else LangGraph's default."""
    limit = config.get("recursion_limit")
    if isinstance(limit, int):
        return limit
    return default if default is not None else int(DEFAULT_RECURSION_LIMIT)


def recursion_error(limit: int) -> str:
    """The message of LangGraph's GraphRecursionError for `limit`."""
    return create_error_message(
        message=(
            f"Recursion limit of {limit} reached without hitting a stop condition. "
            "You can increase the limit by setting the `recursion_limit` config key."
        ),
        error_code=ErrorCode.GRAPH_RECURSION_LIMIT,
    )


def timeout_forms(builder: StateGraph[Any, Any, Any, Any]) -> dict[str, Any]:
    """The engine's node timeouts under LangGraph's class name and message
    (ManifestBuilder's `error_forms`)."""
    forms: dict[str, Any] = {}
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
