"""Map a Durable orchestration status onto the run resource of GET /api/runs/{id}.

The custom status it reads is `durable.protocol.CustomStatus` (its one definition).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..durable.protocol import ORCHESTRATOR_NAME, RunInput
from ..durable.status_size import LISTS
from ..durable.wire import decode_json_text
from ..errors import GraphRunFailed, GraphVersionNotRegistered
from ..graph.registry import GraphRegistry

FINISHED = frozenset({"Completed", "Failed", "Terminated", "Canceled"})
_FAILED_PREFIX = f"Orchestrator function '{ORCHESTRATOR_NAME}' failed: "


def runtime_status_name(status: Any) -> str | None:
    """'Running', 'Completed', ...: the SDK gives an enum, fakes and hosts may give a str."""
    value = getattr(status, "runtime_status", None)
    if value is None:
        return None
    return str(getattr(value, "value", value))


def describe_run(status: Any, instance_id: str, registry: GraphRegistry) -> dict[str, Any]:
    """The run as the HTTP API shows it (shape in docs/architecture.md)."""
    custom = decode_json_text(getattr(status, "custom_status", None))
    custom = custom if isinstance(custom, dict) else {}
    graph_name = custom.get("graph")
    graph_hash = custom.get("hash")
    version = custom.get("version")
    if graph_name is None or graph_hash is None:  # Pending: no episode has run yet
        try:
            run = RunInput.parse(getattr(status, "input_", None))
        except GraphRunFailed:
            run = None
        if run is not None:
            graph_name, graph_hash = run.graph_name, run.graph_hash
            try:
                version = registry.get(run.graph_name, run.graph_hash).manifest.version
            except LookupError:
                version = None
    name = runtime_status_name(status)
    output = decode_json_text(getattr(status, "output", None))
    final_state = None
    path = None
    error = None
    if name == "Completed" and isinstance(output, dict):
        final_state = _shown_state(registry, graph_name, graph_hash, output.get("state"))
        path = output.get("path")
    elif name == "Failed":
        error = str(output) if output is not None else "the run failed"
        error = error.removeprefix(_FAILED_PREFIX)
    elif name == "Terminated":
        error = f"terminated: {output}" if output else "terminated"
    return {
        "instance_id": instance_id,
        "graph_name": graph_name,
        "graph_version": version,
        "graph_hash": graph_hash,
        "status": name,
        "current_node": custom.get("node"),
        "step": custom.get("step"),
        "waiting_for": custom.get("waiting") if name not in FINISHED else None,
        "superstep": custom.get("step") if custom.get("engine") else None,
        "active": custom.get("active", []) if name not in FINISHED else [],
        "interrupts": custom.get("interrupts", []) if name not in FINISHED else [],
        "pending_events": custom.get("pending_events", []),
        "rejected": custom.get("rejected", []),
        "retry": custom.get("retry") if name not in FINISHED else None,
        "children": [dict(c) for c in custom.get("children", [])],
        # Lists in the status are bounded (durable/status_size.py): how many there really are.
        "blocked": _blocked(registry, name, graph_name, graph_hash),
        "truncated": custom.get("truncated") is True,
        "counts": custom.get("counts") or {n: len(custom.get(n) or []) for n in LISTS},
        "output": final_state,
        "path": path,
        "error": error,
        "error_type": custom.get("error_type") if name == "Failed" else None,
        "created_at": _iso(getattr(status, "created_time", None)),
        "updated_at": _iso(getattr(status, "last_updated_time", None)),
    }


def _blocked(
    registry: GraphRegistry, status: str | None, graph_name: Any, graph_hash: Any
) -> dict[str, str] | None:
    """Why an unfinished run cannot go on, when it is stuck: its graph version is gone."""
    if status in FINISHED or graph_name is None or graph_hash is None:
        return None
    try:
        registry.get(str(graph_name), str(graph_hash))
    except GraphVersionNotRegistered as exc:
        return {
            "code": "graph_version_not_registered",
            "message": f"{exc}. This run takes no event or resume until that version is "
            "registered again; register it (docs/compatibility.md) or cancel the run",
        }
    except LookupError:
        return None
    return None


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _shown_state(registry: GraphRegistry, graph_name: Any, graph_hash: Any, state: Any) -> Any:
    """The final state through its graph's codec (a LangGraph output schema keeps its keys)."""
    if not isinstance(state, dict) or graph_name is None or graph_hash is None:
        return state
    try:
        registration = registry.get(str(graph_name), str(graph_hash))
    except LookupError:  # a run of a version no longer registered shows its state as kept
        return state
    return registration.codec.output(state)
