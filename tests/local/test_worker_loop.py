"""The one process-wide event loop and its thread pool."""

from __future__ import annotations

import asyncio
import threading

import pytest

from azure_functions_durable_graph.local import worker_loop


def test_the_loop_is_shared_and_runs_in_a_daemon_thread() -> None:
    loop = worker_loop.get_worker_loop()

    async def where() -> tuple[asyncio.AbstractEventLoop, threading.Thread]:
        return asyncio.get_running_loop(), threading.current_thread()

    running, thread = worker_loop.run_sync(where())
    assert running is loop is worker_loop.get_worker_loop()
    assert thread.daemon
    assert thread is not threading.current_thread()


def test_sync_functions_run_in_the_pool_with_context_variables() -> None:
    import contextvars

    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")

    def job(x: int) -> tuple[int, str, str]:
        return x * 2, var.get(), threading.current_thread().name

    async def caller() -> tuple[int, str, str]:
        var.set("set")
        return await worker_loop.run_in_thread(job, 21)

    result, seen, thread_name = worker_loop.run_sync(caller())
    assert (result, seen) == (42, "set")
    assert thread_name.startswith("durable-graph-sync")


def test_run_sync_refuses_to_deadlock_on_the_loop_thread() -> None:
    async def nested() -> None:
        async def inner() -> None:
            return None

        worker_loop.run_sync(inner())

    with pytest.raises(RuntimeError, match="run_sync\\(\\) was called on the worker loop thread"):
        worker_loop.run_sync(nested())


def test_run_sync_timeout() -> None:
    with pytest.raises(TimeoutError):
        worker_loop.run_sync(asyncio.sleep(5), timeout=0.05)
