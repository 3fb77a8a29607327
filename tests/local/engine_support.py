"""Run the engine on a fresh event loop for one test scenario."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import azure.functions as func

from azure_functions_durable_graph.local.catalog import AppCatalog
from azure_functions_durable_graph.local.clock import Clock, VirtualClock
from azure_functions_durable_graph.local.engine import Engine
from azure_functions_durable_graph.local.store.store import Store

T = TypeVar("T")

# FunctionRegister.get_functions() refuses to run twice on one app (it re-validates names),
# so each app is indexed once, as the worker does.
_catalogs: dict[int, AppCatalog] = {}


def catalog_for(app: func.FunctionRegister) -> AppCatalog:
    if id(app) not in _catalogs:
        _catalogs[id(app)] = AppCatalog.from_app(app)
    return _catalogs[id(app)]


def run_engine(
    app: func.FunctionRegister,
    scenario: Callable[[Engine], Awaitable[T]],
    *,
    store: Store | None = None,
    clock: Clock | None = None,
    **engine_options: Any,
) -> T:
    """Start an engine for `app`, run `scenario(engine)`, stop the engine; return the result."""

    owned = store is None
    used = store if store is not None else Store(":memory:")

    async def main() -> T:
        engine = Engine(catalog_for(app), used, clock or VirtualClock(), **engine_options)
        await engine.start()
        try:
            return await scenario(engine)
        finally:
            await engine.stop()
            if owned:  # Python 3.13 warns about an sqlite3 connection left open
                used.close()

    return asyncio.run(main())


async def finished(engine: Engine, instance_id: str) -> dict[str, Any]:
    """Wait until nothing is runnable, then return the instance's status body."""
    await engine.wait_until_idle()
    status = await engine.get_status(instance_id)
    assert status is not None, f"instance {instance_id} vanished"
    return status


async def status_is(engine: Engine, instance_id: str, runtime_status: str) -> dict[str, Any] | None:
    """The instance's status body when its runtimeStatus is `runtime_status`, else None."""
    status = await engine.get_status(instance_id)
    return status if status is not None and status["runtimeStatus"] == runtime_status else None
