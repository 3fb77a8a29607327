"""A run's ``config`` and ``context`` as LangGraph's server hands them to the graph.

LangGraph's server mirrors one into the other: a run with `context` gets it as its
``configurable`` too, a run with only ``config.configurable`` gets that as its context
(giving both is a 400), and the context loses the keys its graph's `context_schema`
does not name. The run's ids join ``configurable`` (``run_id``, ``thread_id``,
``graph_id``, ``assistant_id``), as a node reads them there under LangGraph's server;
the stream channel (stream_channel.py) finds a node's run by them.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ..graph.manifest import GraphRegistration
from .errors import AgentServerError, invalid

#: The config keys a run keeps (the rest is LangGraph's server bookkeeping).
KEPT = ("recursion_limit", "tags", "metadata", "run_name")
BOTH = (
    "Cannot specify both configurable and context. Prefer setting context alone. Context "
    "was introduced in LangGraph 0.6.0 and is the long term planned replacement for "
    "configurable."
)


def run_config(
    registration: GraphRegistration,
    config: dict[str, Any],
    context: dict[str, Any],
    ids: dict[str, Any],
    metadata: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], Any]:
    """(config, context) to pin in the durable run; 400/422 as LangGraph's server answers."""
    configurable = config.get("configurable") or {}
    if not isinstance(configurable, dict):
        raise invalid("config.configurable must be an object")
    if configurable and context:
        raise AgentServerError(400, BOTH)
    if context:
        configurable = dict(context)
    else:
        context = dict(configurable)
    limit = config.get("recursion_limit")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise invalid("config.recursion_limit must be a positive integer")
    for key, kind in (("tags", list), ("metadata", dict), ("run_name", str)):
        if config.get(key) is not None and not isinstance(config[key], kind):
            raise invalid(f"config.{key} must be a {kind.__name__}")
    pinned = {k: config[k] for k in KEPT if config.get(k) is not None}
    pinned["configurable"] = {**configurable, **ids}
    # What LangGraph's server adds to a run's metadata (its own version and host left out).
    run_ids = {k: v for k, v in ids.items() if not k.startswith("__")}
    pinned["metadata"] = {
        **(pinned.get("metadata") or {}),
        **(metadata or {}),
        "created_by": "system",
        "run_attempt": 1,
        **run_ids,
    }
    codec = registration.codec
    validate = getattr(codec, "validate_context", None)
    if validate is None:  # not a LangGraph graph: no runtime context to give
        return pinned, None
    context = _named_in_schema(codec, context)
    try:
        validate(context)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'context'}: {e['msg']}" for e in exc.errors()
        )
        raise invalid(f"Invalid context for graph {registration.graph_name}: {problems}") from exc
    return pinned, context


def _named_in_schema(codec: Any, context: dict[str, Any]) -> dict[str, Any]:
    """The context without keys the `context_schema` does not name (LangGraph drops them)."""
    described = getattr(codec, "context_json_schema", None)
    schema = described() if described is not None else {}
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not context or not properties:
        return context
    return {k: v for k, v in context.items() if k in properties}
