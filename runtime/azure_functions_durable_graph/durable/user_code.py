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


async def user_call(graph_name: str, source: str, handler: Callable[..., Any], *args: Any) -> Any:
    """Call user code; any exception becomes a NodeExecutionError naming `source`."""
    try:
        return await call_handler(handler, *args)
    except Exception as exc:
        # The run shows the message only; the traceback is for the function logs.
        logger.exception("Graph %r, %s raised", graph_name, source)
        raise NodeExecutionError(graph_name, source, exc) from exc
