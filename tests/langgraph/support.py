"""Helpers for the LangGraph conformance suite: invoke a graph with LangGraph itself and
turn its result into the JSON a client of the HTTP API would read."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from langgraph.checkpoint.memory import MemorySaver
from langgraph.store.memory import InMemoryStore
from langgraph.types import Command
from pydantic_core import to_jsonable_python

from tests.langgraph.apps.langgraph_app import lg_features, lg_flow, lg_gaps, lg_joins

#: The app serving every conformance graph over HTTP.
APP = Path(__file__).parent / "apps" / "langgraph_app"

#: graph name -> (builder factory, an input as given to `compiled.invoke`)
GRAPHS: dict[str, tuple[Any, Any]] = {
    **lg_flow.GRAPHS,
    **lg_features.GRAPHS,
    **lg_gaps.GRAPHS,
    **lg_joins.GRAPHS,
}

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def as_json(value: Any) -> Any:
    """The result as JSON: messages and models by their `model_dump`, as LangGraph's API does."""
    return to_jsonable_python(value)


def without_random_ids(value: Any) -> Any:
    """Replace UUID4 message ids (add_messages draws one for each message without an id).

    Both runs draw their own, so only the positions of the generated ids can match.
    """
    if isinstance(value, dict):
        return {
            k: "<uuid>"
            if k == "id" and isinstance(v, str) and _UUID.match(v)
            else without_random_ids(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [without_random_ids(v) for v in value]
    return value


def langgraph_invoke(name: str, graph_input: Any = None) -> Any:
    """`compiled.invoke(input)` (`ainvoke` for graphs with async nodes) in LangGraph, as JSON."""
    factory, default_input = GRAPHS[name]
    lg_features.ATTEMPTS.clear()
    # A store, as LangGraph's server gives every graph (and the durable app its nodes).
    compiled = factory().compile(store=InMemoryStore())
    value = default_input if graph_input is None else graph_input
    if name in lg_flow.ASYNC_GRAPHS | lg_gaps.ASYNC_GRAPHS:
        return as_json(asyncio.run(compiled.ainvoke(value)))
    return as_json(compiled.invoke(value))


def langgraph_invoke_and_resume(name: str, *resumes: Any) -> tuple[list[Any], Any]:
    """`invoke(input, config)`, then `invoke(Command(resume=...), config)` per resume value,
    on a MemorySaver.

    Returns (the result after each interrupt, the final result), as JSON.
    """
    factory, graph_input = GRAPHS[name]
    compiled = factory().compile(checkpointer=MemorySaver(), store=InMemoryStore())
    config = {"configurable": {"thread_id": "conformance"}}
    results = [compiled.invoke(graph_input, config)]
    results.extend(compiled.invoke(Command(resume=value), config) for value in resumes)
    return [as_json(r) for r in results[:-1]], as_json(results[-1])
