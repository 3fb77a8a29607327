"""The store of the app whose activity is running, for the nodes it runs.

The app's activity wrapper enters `serving(provider)`; a LangGraph node built
inside reads it (stores/for_nodes.py), so `runtime.store`, a `store` argument
and `get_store()` reach the same store as the Agent Server's store routes.
A context variable, not a global: two apps in one process (tests) keep theirs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .selection import StoreProvider

_SERVING: ContextVar[StoreProvider | None] = ContextVar("durable_graph_store", default=None)


@contextmanager
def serving(provider: StoreProvider) -> Iterator[None]:
    token = _SERVING.set(provider)
    try:
        yield
    finally:
        _SERVING.reset(token)


def current_provider() -> StoreProvider | None:
    return _SERVING.get()
