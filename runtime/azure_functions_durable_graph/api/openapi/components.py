"""The schemas every document has: errors, runs, interrupts, manifests, health."""

from __future__ import annotations

from typing import Any

from .schema import ref

_NULLABLE_STR = {"type": ["string", "null"]}

COMMON_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "details"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "details": {},
                },
            }
        },
    },
    "RunAccepted": {
        "type": "object",
        "required": ["instance_id", "graph_name", "status_url", "events_url", "cancel_url"],
        "properties": {
            "instance_id": {"type": "string"},
            "graph_name": {"type": "string"},
            "graph_version": {"type": "string"},
            "graph_hash": {"type": "string"},
            "status_url": {"type": "string"},
            "events_url": {"type": "string"},
            "cancel_url": {"type": "string"},
        },
    },
    "Waiting": {
        "type": ["object", "null"],
        "description": "The event the run waits for; timeout_node and deadline are there "
        "only when the wait has a timeout.",
        "required": ["event_name", "resume_node"],
        "properties": {
            "event_name": {"type": "string"},
            "resume_node": {"type": "string"},
            "timeout_node": {
                "type": "string",
                "description": "Where the run continues if the event has not arrived by "
                "the deadline: a node, or __complete__.",
            },
            "deadline": {
                "type": "string",
                "format": "date-time",
                "description": "When the wait times out (ISO 8601, UTC).",
            },
        },
    },
    "Run": {
        "type": "object",
        "required": [
            "instance_id",
            "graph_name",
            "graph_version",
            "graph_hash",
            "status",
            "current_node",
            "step",
            "waiting_for",
            "output",
            "path",
            "error",
            "created_at",
            "updated_at",
        ],
        "properties": {
            "instance_id": {"type": "string"},
            "graph_name": _NULLABLE_STR,
            "graph_version": _NULLABLE_STR,
            "graph_hash": _NULLABLE_STR,
            "status": {
                "type": ["string", "null"],
                "description": "Durable runtime status: Pending, Running, Completed, Failed, "
                "Terminated, ...",
            },
            "current_node": _NULLABLE_STR,
            "step": {"type": ["integer", "null"]},
            "waiting_for": ref("Waiting"),
            "output": {"description": "The final state once the run completed."},
            "path": {
                "type": ["array", "null"],
                "items": {"type": "string"},
                "description": "Nodes run, in order (repeats included), once the run "
                "completed; null before that.",
            },
            "error": {
                "type": ["string", "null"],
                "description": "Why a Failed run failed (the error's message); "
                "'terminated: <reason>' for a Terminated run.",
            },
            "error_type": {
                "type": ["string", "null"],
                "description": "The class name of the error a Failed run ended with: the "
                "node's exception (e.g. ValueError), the engine's (e.g. StepLimitExceeded), "
                "or, for graphs from from_langgraph, LangGraph's (e.g. GraphRecursionError, "
                "NodeTimeoutError, InvalidUpdateError); null otherwise and for runs that "
                "failed before this field existed.",
            },
            "created_at": _NULLABLE_STR,
            "updated_at": _NULLABLE_STR,
            "superstep": {"type": ["integer", "null"]},
            "active": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Nodes of the current superstep (empty once finished).",
            },
            "interrupts": {
                "type": "array",
                "items": ref("Interrupt"),
                "description": "Questions interrupt() asked that wait for POST .../resume.",
            },
            "pending_events": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}, "count": {"type": "integer"}},
                },
                "description": "Events the run holds but has not consumed yet.",
            },
            "rejected": {
                "type": "array",
                "items": {"type": "object"},
                "description": "The latest events and resumes the run refused, with a reason.",
            },
            "retry": {
                "type": ["object", "null"],
                "description": "While a node backs off: node, attempt, next_attempt_at, "
                "last_error.",
            },
            "children": {
                "type": "array",
                "items": {"type": "object"},
                "description": "Subgraph runs of the current superstep: node, instance_id, "
                "status, current_node.",
            },
            "blocked": {
                "type": ["object", "null"],
                "description": "Why an unfinished run cannot go on ({code, message}), e.g. "
                "graph_version_not_registered: its graph version was removed.",
            },
            "truncated": {
                "type": "boolean",
                "description": "True when active, interrupts, children or pending_events "
                "show only their first items (the status stays under Azure's 16 KB).",
            },
            "counts": {
                "type": "object",
                "additionalProperties": {"type": "integer"},
                "description": "How many active tasks, interrupts, children and pending "
                "event names there really are.",
            },
        },
    },
    "Interrupt": {
        "type": "object",
        "required": ["id", "node", "value"],
        "properties": {"id": {"type": "string"}, "node": {"type": "string"}, "value": {}},
    },
    "ResumeRequest": {
        "type": "object",
        "required": ["resume"],
        "properties": {
            "resume": {
                "description": "The answer to the one pending interrupt, or an object "
                "mapping interrupt ids to answers."
            }
        },
        "additionalProperties": False,
    },
    "Accepted": {
        "type": "object",
        "properties": {
            "instance_id": {"type": "string"},
            "event_name": {"type": "string"},
            "reason": {"type": "string"},
            "answered": {"type": "array", "items": {"type": "string"}},
            "status_url": {"type": "string"},
        },
    },
    "CancelRequest": {
        "type": "object",
        "properties": {"reason": {"type": "string"}},
        "additionalProperties": False,
    },
    "Health": {
        "type": "object",
        "properties": {
            "status": {"type": "string"},
            "graphs": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "graph_name": {"type": "string"},
                        "version": {"type": "string"},
                        "graph_hash": {"type": "string"},
                    },
                },
            },
        },
    },
    "Manifest": {
        "type": "object",
        "description": "A graph's manifest, including its state model's JSON schema.",
        "properties": {
            "graph_name": {"type": "string"},
            "version": {"type": "string"},
            "graph_hash": {"type": "string"},
            "state_model_name": {"type": "string"},
            "state_schema": {"type": "object"},
            "entrypoint": {"type": "string"},
            "nodes": {"type": "object", "additionalProperties": ref("Node")},
            "event_handlers": {"type": "array", "items": {"type": "string"}},
            "metadata": {"type": "object"},
            "max_steps": {"type": "integer"},
        },
    },
    "Node": {
        "type": "object",
        "required": ["name", "next_node", "has_route", "terminal", "route_targets"],
        "properties": {
            "name": {"type": "string"},
            "next_node": {
                "type": ["string", "array", "null"],
                "items": {"type": "string"},
                "description": "The static edge, or a list of them (a fan-out).",
            },
            "has_route": {"type": "boolean"},
            "terminal": {"type": "boolean"},
            "route_targets": {
                "type": ["array", "null"],
                "items": {"type": "string"},
                "description": "What the route may choose (node names, '__complete__'); "
                "null when not declared.",
            },
        },
    },
    "GraphDetail": {
        "description": "A graph's manifest plus a Mermaid flowchart of it.",
        "allOf": [
            ref("Manifest"),
            {
                "type": "object",
                "required": ["diagram"],
                "properties": {
                    "diagram": {
                        "type": "object",
                        "required": ["mermaid"],
                        "properties": {"mermaid": {"type": "string"}},
                    }
                },
            },
        ],
    },
}
