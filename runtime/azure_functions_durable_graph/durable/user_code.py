"""Calling user code from activities: sync or async, errors wrapped with who raised."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from typing import Any

from ..errors import NodeExecutionError

logger = logging.getLogger("azure_functions_durable_graph")


async def call_handler(handler: Callable[..., Any], *args: Any) -> Any:
    """Await async handlers; run sync ones in a thread so they cannot block the worker loop."""
    if inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
        getattr(handler, "__call__", None)  # noqa: B004 - async callable objects
    ):
        return await handler(*args)
    result = await asyncio.to_thread(handler, *args)
    if inspect.isawaitable(result):  # e.g. a lambda returning a coroutine
        result = await result
    return result


async def user_call(
    graph_name: str, source: str, handler: Callable[..., Any], *args: Any, log: bool = True
) -> Any:
    """Call user code; any exception becomes a NodeExecutionError naming `source`.

    With `log` False the caller logs the failure (a node's: one line per attempt that is
    retried, the traceback once it fails for good; see `log_failure`).
    """
    try:
        return await call_handler(handler, *args)
    except Exception as exc:
        # The run shows the message only; the traceback is for the function logs.
        if log:
            logger.exception("Graph %r, %s raised", graph_name, source)
        raise NodeExecutionError(graph_name, source, exc) from exc


def log_failure(exc: NodeExecutionError, attempt: int, retried: bool) -> None:
    """A failed node attempt: a warning line when it is retried, else the traceback."""
    cause = exc.__cause__ or exc
    if retried:
        logger.warning("%s (attempt %d; retried)", exc, attempt)
        return
    logger.error(
        "Graph %r, %s raised (attempt %d)",
        exc.graph_name,
        exc.source,
        attempt,
        exc_info=(type(cause), cause, cause.__traceback__),
    )
