"""Calling user code from activities: sync or async, errors wrapped with who raised."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Coroutine
from contextvars import ContextVar
from typing import Any, TypeVar

from ..errors import NodeExecutionError

logger = logging.getLogger("azure_functions_durable_graph")

T = TypeVar("T")

#: Set inside `in_one_thread`: the worker loop that async user code must run on.
_WORKER_LOOP: ContextVar[asyncio.AbstractEventLoop | None] = ContextVar(
    "durable_graph_worker_loop", default=None
)


def is_async(handler: Callable[..., Any]) -> bool:
    """An async function or an object with an async ``__call__``."""
    return inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
        getattr(handler, "__call__", None)  # noqa: B004 - async callable objects
    )


async def call_handler(handler: Callable[..., Any], *args: Any) -> Any:
    """Await async handlers; run sync ones in a thread so they cannot block the worker loop.

    Inside `in_one_thread` this already runs in a worker thread: sync handlers are
    called here, async ones (and awaitables a sync handler returns) run on the loop.
    """
    loop = _WORKER_LOOP.get()
    if loop is not None:
        result = handler(*args)
        if inspect.isawaitable(result):
            result = asyncio.run_coroutine_threadsafe(_awaited(result), loop).result()
        return result
    if is_async(handler):
        return await handler(*args)
    result = await asyncio.to_thread(handler, *args)
    if inspect.isawaitable(result):  # e.g. a lambda returning a coroutine
        result = await result
    return result


async def _awaited(awaitable: Awaitable[T]) -> T:
    return await awaitable


async def in_one_thread(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run `work()` in one worker thread, calling its sync user code there.

    An activity that calls several sync handlers (a node, then its route) pays one
    thread hop instead of one per handler. `work` may await only `user_call` (and
    `call_handler`): in the thread those never suspend, so the coroutine finishes in
    one step; async user code is sent back to the worker loop and awaited from there.
    """
    loop = asyncio.get_running_loop()

    def drive() -> T:
        _WORKER_LOOP.set(loop)  # to_thread runs this in a copy of the caller's context
        coroutine = work()
        try:
            coroutine.send(None)
        except StopIteration as finished:
            return finished.value  # type: ignore[no-any-return]
        coroutine.close()
        raise RuntimeError("in_one_thread: the work awaited something other than user code")

    return await asyncio.to_thread(drive)


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
