"""Run an agent in LangGraph and through from_langgraph over HTTP, and compare them as JSON.

Messages are compared on what a conversation means (type, content, tool calls,
tool_call_id, name), not on ids LangChain draws at random (uuid4 for tool results
and summaries).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command
from pydantic_core import to_jsonable_python

from azure_functions_durable_graph.testing import LocalHost
from tests.helpers import eventually

APP = Path(__file__).parent / "apps" / "agents_app"
sys.path.insert(0, str(APP))  # the app's modules import each other by their bare names

import lg_agents  # noqa: E402
import lg_channels  # noqa: E402

GRAPHS: dict[str, tuple[Any, Any, list[Any]]] = {**lg_agents.GRAPHS, **lg_channels.GRAPHS}
RUN_OPTIONS = {**lg_agents.RUN_OPTIONS, **lg_channels.RUN_OPTIONS}
FINISHED = ("Completed", "Failed", "Terminated")
_MESSAGE_TYPES = {"human", "ai", "tool", "system", "remove", "AIMessageChunk"}


#: Keys whose values are wall-clock times (deepagents' files), left out of comparisons.
_CLOCK_KEYS = {"created_at", "modified_at"}


_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _drawn(value: Any) -> Any:
    """A uuid4 drawn by LangChain or a library (each run draws its own) as "<uuid>"."""
    return "<uuid>" if isinstance(value, str) and _UUID.match(value) else value


def conversation(value: Any) -> Any:
    """JSON with every message reduced to type, content, tool calls, tool_call_id, name
    (and the wall-clock times of deepagents' files left out)."""
    if isinstance(value, dict):
        if value.get("type") in _MESSAGE_TYPES and "content" in value:
            return {
                "type": value["type"],
                "content": value["content"],
                "tool_calls": [
                    {"name": c["name"], "args": c["args"], "id": _drawn(c["id"])}
                    for c in value.get("tool_calls") or []
                ],
                "tool_call_id": _drawn(value.get("tool_call_id")),
                "name": value.get("name"),
            }
        return {k: conversation(v) for k, v in value.items() if k not in _CLOCK_KEYS}
    if isinstance(value, list):
        return [conversation(v) for v in value]
    return value


def langgraph_run(name: str) -> tuple[list[Any], Any]:
    """`invoke` (and `invoke(Command(resume=...))` per resume value, on an InMemorySaver).

    Returns (the interrupt values shown, in order; the final result or the error's
    class and message), as JSON.
    """
    factory, graph_input, resumes = GRAPHS[name]
    options = RUN_OPTIONS.get(name, {})
    compiled = factory().copy(update={"checkpointer": InMemorySaver()})
    config = {
        **options.get("config", {}),
        "configurable": {**options.get("config", {}).get("configurable", {}), "thread_id": name},
    }
    context = options.get("context")
    if context is not None:
        context = compiled.builder.context_schema(**context)
    shown: list[Any] = []
    try:
        result = compiled.invoke(graph_input, config, context=context)
        for answer in resumes:
            shown.append(to_jsonable_python(result["__interrupt__"][0].value))
            result = compiled.invoke(Command(resume=answer), config, context=context)
    except Exception as exc:  # the durable run must fail with the same class and message
        return shown, {"error": f"{type(exc).__name__}: {exc}"}
    return shown, conversation(to_jsonable_python(result))


def durable_run(host: LocalHost, name: str) -> tuple[list[Any], Any]:
    """The same run over HTTP: start it, answer its interrupts, read its output or error."""
    _, graph_input, resumes = GRAPHS[name]
    body = {"input": graph_input, **RUN_OPTIONS.get(name, {})}
    started = host.post(f"/api/graphs/{name}/runs", json=body)
    assert started.status == 202, started.text
    url = started.json()["status_url"]
    shown: list[Any] = []
    for answer in resumes:
        run = eventually(lambda: (r := host.get(url).json())["interrupts"] and r)
        shown.append(run["interrupts"][0]["value"])
        resumed = host.post(f"{url}/resume", json={"resume": answer})
        assert resumed.status == 202, resumed.text
        eventually(lambda: not host.get(url).json()["interrupts"])
    run = eventually(lambda: (r := host.get(url).json())["status"] in FINISHED and r, timeout=60)
    if run["status"] != "Completed":  # LangGraph's class (error_type) and message (error)
        return shown, {"error": f"{run['error_type']}: {run['error']}"}
    return shown, conversation(run["output"])
