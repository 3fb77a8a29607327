"""`interrupt()` and `node_error()`: what a running node can ask of the run it belongs to.

Both read a context variable the activity sets before calling the handler, so
they work in sync and async handlers alike (asyncio.to_thread copies the
context into the worker thread).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ..errors import GraphError


@dataclass(frozen=True)
class NodeErrorInfo:
    """What failed, as an `on_error` node sees it through `node_error()`."""

    node: str
    error_type: str
    message: str
    attempts: int = 1


@dataclass
class _NodeCall:
    node: str
    resume: Sequence[Any]
    error: NodeErrorInfo | None
    asked: int = 0
    values: list[Any] = field(default_factory=list)


_current: contextvars.ContextVar[_NodeCall | None] = contextvars.ContextVar(
    "durable_graph_node_call", default=None
)


class GraphInterrupt(BaseException):
    """Raised by `interrupt()` to stop the node; the activity reports it to the orchestrator.

    A BaseException so that a handler's ``except Exception`` cannot swallow it.
    """

    def __init__(self, value: Any, index: int) -> None:
        super().__init__(value)
        self.value = value
        self.index = index


def interrupt(value: Any = None) -> Any:
    """Pause the run and show `value` to whoever must answer (LangGraph's `interrupt`).

    The node stops here. When the run is resumed (``POST /api/runs/{id}/resume``),
    the node runs again from its start and this call returns the resume value.
    Several calls in one node are answered in order, one resume each. `value`
    must be JSON-serialisable: it is shown in the run's status.
    """
    call = _current.get()
    if call is None:
        raise GraphError("interrupt() can only be called inside a node handler while it runs")
    index = call.asked
    call.asked += 1
    if index < len(call.resume):
        return call.resume[index]
    raise GraphInterrupt(value, index)


def node_error() -> NodeErrorInfo | None:
    """Inside a node reached through another node's `on_error`: what failed there, else None."""
    call = _current.get()
    return call.error if call is not None else None


@contextmanager
def node_call(
    node: str, resume: Sequence[Any] = (), error: NodeErrorInfo | None = None
) -> Iterator[None]:
    """Make `interrupt()` and `node_error()` answer for `node` while the handler runs."""
    token = _current.set(_NodeCall(node, list(resume), error))
    try:
        yield
    finally:
        _current.reset(token)
