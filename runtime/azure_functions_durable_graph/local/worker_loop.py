"""The one long-lived event loop of the process, as the Python worker has.

The Durable SDK keeps a module-global aiohttp ClientSession that is bound
to the loop it was first used on (azure/durable_functions/models/utils/
http_utils.py). A second loop, or `asyncio.run()` per call, breaks it with
"Event loop is closed". So every LocalHost in the process, the aiohttp
server, the engine and every async user function share this one loop,
which runs forever in a daemon thread. Sync user functions run in its
thread pool, as the worker runs them.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextvars
import functools
import os
import sys
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_thread: threading.Thread | None = None
_pool: concurrent.futures.ThreadPoolExecutor | None = None


def _default_pool_size() -> int:
    configured = os.environ.get("PYTHON_THREADPOOL_THREAD_COUNT", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return min(32, (os.cpu_count() or 1) + 4)


def get_worker_loop() -> asyncio.AbstractEventLoop:
    """The process-wide worker loop, started on first use."""
    global _loop, _thread, _pool
    with _lock:
        if _loop is not None:
            return _loop
        pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=_default_pool_size(), thread_name_prefix="durable-graph-sync"
        )
        loop = asyncio.new_event_loop()
        loop.set_default_executor(pool)
        started = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(started.set)
            loop.run_forever()

        thread = threading.Thread(target=run, name="durable-graph-worker-loop", daemon=True)
        thread.start()
        started.wait()
        _loop, _thread, _pool = loop, thread, pool
        atexit.register(_close_at_exit)
        return loop


def get_thread_pool() -> concurrent.futures.ThreadPoolExecutor:
    """The pool sync user functions run in."""
    get_worker_loop()
    assert _pool is not None
    return _pool


def on_worker_loop() -> bool:
    """True when called from the worker loop's own thread."""
    return _thread is not None and threading.current_thread() is _thread


def run_sync(coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
    """Run `coro` on the worker loop and block the calling thread for its result.

    Calling this from the worker loop itself would deadlock, so it refuses.
    """
    if on_worker_loop():
        coro.close()
        raise RuntimeError(
            "run_sync() was called on the worker loop thread; await the coroutine instead"
        )
    future = asyncio.run_coroutine_threadsafe(coro, get_worker_loop())
    try:
        return future.result(timeout)
    except concurrent.futures.TimeoutError:
        future.cancel()
        raise


async def run_in_thread(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run a sync callable in the thread pool with the caller's context variables."""
    loop = asyncio.get_running_loop()
    ctx = contextvars.copy_context()
    call = functools.partial(ctx.run, fn, *args, **kwargs)
    return await loop.run_in_executor(get_thread_pool(), call)


_SDK_HTTP = "azure.durable_functions.models.utils.http_utils"


async def close_sdk_session() -> None:
    """Close the Durable SDK's shared aiohttp session, if one was opened.

    Its pooled keep-alive connections point at a host that has stopped; a new
    host on the same port must not inherit them. The SDK opens a new session
    on its next request.
    """
    module = sys.modules.get(_SDK_HTTP)
    close = getattr(module, "_close_session", None)
    if close is not None:
        await close()


def _close_at_exit() -> None:
    loop = _loop
    if loop is not None and loop.is_running() and _SDK_HTTP in sys.modules:
        future = asyncio.run_coroutine_threadsafe(close_sdk_session(), loop)
        try:
            future.result(2.0)
        except Exception:  # nothing useful can be done about it at exit
            return
