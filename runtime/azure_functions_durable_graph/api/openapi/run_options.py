"""The start body's ``config`` and ``context`` (LangGraph's run inputs) in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from ...graph.manifest import GraphRegistration
from ..inputs import RUN_CONFIG_KEYS

RUN_CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "LangGraph's run config, pinned for the run: nodes get it as their "
    "config (get_config()). Runs of LangGraph graphs count recursion_limit as LangGraph "
    "does (when left out: the graph's from_langgraph(recursion_limit=...), else "
    "LangGraph's default) and fail with error_type GraphRecursionError past it.",
    "properties": {
        "recursion_limit": {"type": "integer", "minimum": 1},
        "configurable": {"type": "object"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "metadata": {"type": "object"},
        "run_name": {"type": "string"},
    },
    "additionalProperties": False,
}
assert set(RUN_CONFIG_SCHEMA["properties"]) == set(RUN_CONFIG_KEYS)


def add_run_options(
    request: dict[str, Any], registration: GraphRegistration, schemas: dict[str, Any]
) -> None:
    """Add ``config`` and the breakpoints to a StartRequest, and ``context`` when the graph
    takes one."""
    schemas.setdefault("RunConfig", RUN_CONFIG_SCHEMA)
    # null: no config (the graph's defaults), as when the key is left out.
    request["properties"]["config"] = {
        "anyOf": [{"$ref": "#/components/schemas/RunConfig"}, {"type": "null"}]
    }
    nodes = sorted(registration.manifest.nodes)
    for key, when in (("interrupt_before", "before"), ("interrupt_after", "after")):
        request["properties"][key] = {
            "description": f"LangGraph's {key}: the run pauses {when} the supersteps running "
            'these nodes ("*": any), as an interrupt without a value that a resume '
            "answers (null: the graph's own breakpoints).",
            "anyOf": [
                {"type": "string", "enum": ["*"]},
                {"type": "array", "items": {"type": "string", "enum": nodes}},
                {"type": "null"},
            ],
        }
    codec: Any = registration.codec
    if getattr(codec, "validate_context", None) is None:
        return
    schema_of = getattr(codec, "context_json_schema", None)
    context: dict[str, Any] = dict(schema_of()) if schema_of is not None else {}
    context.pop("$defs", None)
    context["description"] = (
        "The run's context (LangGraph's `context`, validated against the graph's "
        "context_schema; a 422 when it does not fit), pinned for the run and handed to "
        "nodes as runtime.context."
    )
    request["properties"]["context"] = context
