"""`runtime.store` for a LangGraph node: the app's store, opened only if the node uses it.

A node that never touches the store must not fail because the store cannot be
opened (an Azure app without the `azure-tables` extra); so the node gets a
stand-in that opens the app's store on its first operation, and the error,
if any, is raised there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from langgraph.store.base import BaseStore, Op, Result, TTLConfig

from .selection import StoreProvider
from .serving import current_provider


class AppStore(BaseStore):
    """Every operation goes to the app's store, opened on the first one."""

    def __init__(self, provider: StoreProvider) -> None:
        self._provider = provider

    @property
    def supports_ttl(self) -> bool:  # type: ignore[override]
        return bool(self._provider.get().supports_ttl)

    @property
    def ttl_config(self) -> TTLConfig | None:  # type: ignore[override]
        return self._provider.get().ttl_config

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        return self._provider.get().batch(ops)

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        return await self._provider.get().abatch(ops)


def with_app_store(runtime: Any) -> Any:
    """`runtime` (a langgraph Runtime) with the running app's store, when an app serves one."""
    provider = current_provider()
    if provider is None:
        return runtime
    return runtime.override(store=AppStore(provider))
