"""A LangGraph `RetryPolicy` as the engine's, judging a durable node timeout as LangGraph
judges its `NodeTimeoutError` (so `retry_on=NodeTimeoutError`, and the default policy,
retry a node that ran past its `timeout=`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langgraph.errors import NodeTimeoutError

from ..errors import NodeTimeoutError as EngineNodeTimeout
from ..graph.types import RetryPolicy


@dataclass(frozen=True)
class LangGraphRetryPolicy(RetryPolicy):
    """The engine's policy with LangGraph's fields; timeouts are shown as NodeTimeoutError."""

    def should_retry(self, exc: BaseException) -> bool:
        if isinstance(exc, EngineNodeTimeout):
            exc = timeout_error(exc.node, exc.seconds)
        return super().should_retry(exc)


def timeout_error(node: str, seconds: float) -> NodeTimeoutError:
    """The error LangGraph raises for a node past its run timeout (the durable timer fires
    at the timeout, so the elapsed time shown is the timeout)."""
    return NodeTimeoutError(node, seconds, kind="run", run_timeout=seconds)


def from_langgraph_policy(policy: Any) -> LangGraphRetryPolicy:
    """The engine's form of one `langgraph.types.RetryPolicy`."""
    return LangGraphRetryPolicy(
        initial_interval=policy.initial_interval,
        backoff_factor=policy.backoff_factor,
        max_interval=policy.max_interval,
        max_attempts=policy.max_attempts,
        jitter=policy.jitter,
        retry_on=policy.retry_on,
    )
