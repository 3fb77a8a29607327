"""Calling user code from activities: one worker thread per step for sync code.

A STEP activity of a sync node calls the node, its reducers and its route in one
worker thread (`in_one_thread`); async user code still runs on the worker loop.
"""

from __future__ import annotations

import asyncio
import textwrap
import threading
from pathlib import Path

import pytest

from azure_functions_durable_graph.durable.user_code import call_handler, in_one_thread, user_call
from azure_functions_durable_graph.errors import NodeExecutionError
from tests.api.local_apps import serve, start_run, wait_for_run


def test_sync_handlers_share_one_thread_off_the_loop():
    seen: list[int] = []

    def handler(tag: str) -> str:
        seen.append(threading.get_ident())
        return tag

    async def work() -> list[str]:
        return [await call_handler(handler, "node"), await call_handler(handler, "route")]

    async def main() -> tuple[list[str], int]:
        return await in_one_thread(work), threading.get_ident()

    results, loop_thread = asyncio.run(main())
    assert results == ["node", "route"]
    assert len(set(seen)) == 1 and seen[0] != loop_thread


def test_async_user_code_still_runs_on_the_worker_loop():
    threads: dict[str, int] = {}

    async def async_route(value: int) -> int:
        await asyncio.sleep(0)  # a real suspension: needs the loop
        threads["async"] = threading.get_ident()
        return value + 1

    def returns_a_coroutine(value: int):  # a sync callable returning an awaitable
        threads["sync"] = threading.get_ident()
        return async_route(value * 10)

    async def work() -> tuple[int, int]:
        return await call_handler(async_route, 1), await call_handler(returns_a_coroutine, 2)

    async def main() -> tuple[tuple[int, int], int]:
        return await in_one_thread(work), threading.get_ident()

    results, loop_thread = asyncio.run(main())
    assert results == (2, 21)
    assert threads["async"] == loop_thread
    assert threads["sync"] != loop_thread


def test_a_failing_handler_in_one_thread_is_named():
    def explode(_: object) -> None:
        raise ValueError("boom")

    async def work() -> object:
        return await user_call("g", "node 'x'", explode, None, log=False)

    with pytest.raises(NodeExecutionError, match="boom") as raised:
        asyncio.run(in_one_thread(work))
    assert isinstance(raised.value.__cause__, ValueError)


APP = textwrap.dedent(
    """
    import asyncio
    import threading

    import azure.functions as func
    from pydantic import BaseModel

    from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder, RouteDecision


    class S(BaseModel):
        count: int = 0
        threads: list[str] = []


    def bump(s: S) -> dict:
        return {"count": s.count + 1, "threads": [*s.threads, "node"]}


    def sync_route(s: S) -> RouteDecision:
        return RouteDecision.next("async_node")


    async def async_route(s: S) -> RouteDecision:
        await asyncio.sleep(0)
        return RouteDecision.complete() if s.count >= 4 else RouteDecision.next("sync_node")


    async def async_node(s: S) -> dict:
        await asyncio.sleep(0)
        return {"count": s.count + 1}


    builder = ManifestBuilder(graph_name="mixed", state_model=S)
    builder.set_entrypoint("sync_node")
    builder.add_node("sync_node", bump, route=sync_route)
    builder.add_node("async_node", async_node, route=async_route)

    app = func.FunctionApp()
    runtime = DurableGraphApp(app)
    runtime.register_registration(builder.build())
    """
)


@pytest.mark.slow
def test_sync_and_async_nodes_and_routes_mix_in_a_run(tmp_path: Path):
    (tmp_path / "function_app.py").write_text(APP)
    with serve(tmp_path) as host:
        run = wait_for_run(host, start_run(host, "mixed", {}), timeout=30)
    assert run["status"] == "Completed", run
    assert run["output"]["count"] == 4
    assert run["output"]["threads"] == ["node", "node"]
