"""What a running node may know of its run: the superstep, and the run's config and context.

A run started with ``config``/``context`` (``POST .../runs``) pins them in its input;
the orchestrator passes them, with the superstep number, in every activity request
(``"run"``, ``"superstep"``). The activity wrapper sets them here so an adapter (the
LangGraph one gives nodes LangGraph's config, runtime context and step counter) reads
them without each handler signature carrying them.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RunContext:
    """The run a node belongs to, as its activity was asked to run it.

    `options` is False for runs started without config/context (before they existed):
    their `config` is empty and `context` None.
    """

    superstep: int = 0
    config: Mapping[str, Any] = field(default_factory=dict)
    context: Any = None
    options: bool = False
    #: The run's state (JSON) before the superstep, when the activity was given it.
    state: Mapping[str, Any] | None = None

    @classmethod
    def from_request(cls, request: Mapping[str, Any]) -> RunContext:
        run = request.get("run")
        superstep = request.get("superstep")
        step = superstep if isinstance(superstep, int) else 0
        state = request.get("state")
        state = state if isinstance(state, Mapping) else None
        if not isinstance(run, Mapping):
            return cls(superstep=step, state=state)
        config = run.get("config")
        return cls(
            superstep=step,
            config=dict(config) if isinstance(config, Mapping) else {},
            context=run.get("context"),
            options=True,
            state=state,
        )


_current: contextvars.ContextVar[RunContext | None] = contextvars.ContextVar(
    "durable_graph_run_context", default=None
)


def current_run() -> RunContext:
    """The run of the node (or route) being called; an empty RunContext outside one."""
    return _current.get() or RunContext()


@contextmanager
def running(request: Mapping[str, Any]) -> Iterator[RunContext]:
    """Make `current_run()` answer for the activity `request` while it runs."""
    run = RunContext.from_request(request)
    token = _current.set(run)
    try:
        yield run
    finally:
        _current.reset(token)
