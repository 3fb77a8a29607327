"""The OpenAPI 3.1 document of the HTTP API, built on request (never at cold start).

Each graph gets its own start path whose request body is typed by the graph's
state model; the model's nested definitions are hoisted into
``components/schemas`` under ``{graph_name}.{Model}`` so graphs cannot clash.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..graph.manifest import GraphRegistration
from .inputs import INSTANCE_ID_PATTERN, INSTANCE_ID_RULE, MAX_JSON_DEPTH
from .openapi_runs import add_runs_list
from .openapi_steps import add_steps, fork_request

OPENAPI_VERSION = "3.1.0"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    """Error responses: `codes`, plus 400 (a Host header the server does not answer)
    and 500 on every operation."""
    reasons = {
        400: "Bad request: invalid_json (not JSON, NaN/Infinity, nested deeper than "
        f"{MAX_JSON_DEPTH}), invalid_body, invalid_instance_id, unknown_event; on the local "
        "host also host_not_allowed",
        403: "origin_not_allowed: a state-changing request from another site (local host)",
        404: "graph_not_found or instance_not_found (an id that breaks the id rules is never "
        "found)",
        409: "instance_exists (the instance_id is in use) or run_finished (the run finished, "
        "also when it finished while this request was made)",
        413: "request_too_large: the body is over the app's max_request_bytes",
        422: "validation_error: the input does not validate against the graph's state model "
        "(an event payload against the event's payload_model, an interrupt's answer against "
        "its node's answer_model)",
        500: "Unexpected server error (details are in the logs)",
    }
    return {str(c): _json(_ref("Error"), reasons[c]) for c in sorted({*codes, 400, 500})}


_POSTED = (403, 413)  # every POST: a foreign origin, a body over the limit


def _path_param(name: str, description: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if name == "instance_id":
        schema = {"type": "string", "pattern": INSTANCE_ID_PATTERN}
        description = f"{description}: {INSTANCE_ID_RULE}"
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


_NULLABLE_STR = {"type": ["string", "null"]}

_COMMON_SCHEMAS: dict[str, Any] = {
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
            "waiting_for": _ref("Waiting"),
            "output": {"description": "The final state once the run completed."},
            "path": {
                "type": ["array", "null"],
                "items": {"type": "string"},
                "description": "Nodes run, in order (repeats included), once the run "
                "completed; null before that.",
            },
            "error": _NULLABLE_STR,
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
                "items": _ref("Interrupt"),
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
            "nodes": {"type": "object", "additionalProperties": _ref("Node")},
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
            _ref("Manifest"),
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


def build_openapi(
    registrations: Sequence[GraphRegistration], *, server_url: str = "/api"
) -> dict[str, Any]:
    """The whole document for the graphs registered now."""
    from .. import __version__

    schemas: dict[str, Any] = dict(_COMMON_SCHEMAS)
    paths: dict[str, Any] = {
        "/health": {
            "get": {
                "operationId": "health",
                "summary": "Registered graphs with version and hash",
                "responses": {"200": _json(_ref("Health"), "OK"), **_errors()},
            }
        },
        "/graphs": {
            "get": {
                "operationId": "listGraphs",
                "summary": "Manifests of every registered graph",
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {"graphs": {"type": "array", "items": _ref("Manifest")}},
                        },
                        "OK",
                    ),
                    **_errors(),
                },
            }
        },
        "/graphs/{graph_name}": {
            "get": {
                "operationId": "getGraph",
                "summary": "One graph's manifest and its Mermaid diagram",
                "parameters": [_path_param("graph_name", "A registered graph")],
                "responses": {"200": _json(_ref("GraphDetail"), "OK"), **_errors(404)},
            }
        },
        "/runs/{instance_id}": {
            "get": {
                "operationId": "getRun",
                "summary": "A run's status, current node, waiting event, output or error",
                "parameters": [_path_param("instance_id", "The run's instance id")],
                "responses": {"200": _json(_ref("Run"), "OK"), **_errors(404)},
            }
        },
        "/runs/{instance_id}/events/{event_name}": {
            "post": {
                "operationId": "raiseEvent",
                "summary": "Send an event (any JSON payload) to a waiting or running run",
                "parameters": [
                    _path_param("instance_id", "The run's instance id"),
                    _path_param("event_name", "An event the run's graph has a handler for"),
                ],
                "requestBody": {
                    "required": False,
                    "content": {"application/json": {"schema": {}}},
                },
                "responses": {
                    "202": _json(_ref("Accepted"), "Accepted"),
                    **_errors(404, 409, 422, *_POSTED),
                },
            }
        },
        "/runs/{instance_id}/cancel": {
            "post": {
                "operationId": "cancelRun",
                "summary": "Terminate a run",
                "parameters": [_path_param("instance_id", "The run's instance id")],
                "requestBody": {
                    "required": False,
                    "content": {"application/json": {"schema": _ref("CancelRequest")}},
                },
                "responses": {
                    "202": _json(_ref("Accepted"), "Accepted"),
                    **_errors(404, 409, *_POSTED),
                },
            }
        },
        "/runs/{instance_id}/resume": {
            "post": {
                "operationId": "resumeRun",
                "summary": "Answer a run's pending interrupt(s)",
                "parameters": [_path_param("instance_id", "The run's instance id")],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("ResumeRequest")}},
                },
                "responses": {
                    "202": _json(_ref("Accepted"), "Accepted"),
                    **_errors(404, 409, 422, *_POSTED),
                },
            }
        },
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {"200": _json({"type": "object"}, "OK"), **_errors()},
            }
        },
    }
    _event_names(paths, registrations)
    add_runs_list(paths, schemas)
    add_steps(paths, schemas, _path_param("instance_id", "The run's instance id"))
    for registration in registrations:
        name = registration.graph_name
        state_ref = _hoist_state_schema(registration, schemas)
        request_name = f"{name}.StartRequest"
        required_fields = _has_required_fields(registration)
        schemas[request_name] = {
            "type": "object",
            "properties": {
                "input": {
                    **state_ref,
                    "description": "The run's initial state; may be left out when every "
                    "field of the state model has a default.",
                },
                "instance_id": {
                    "type": "string",
                    "pattern": INSTANCE_ID_PATTERN,
                    "description": f"Optional id for the run: {INSTANCE_ID_RULE}. A new id "
                    "or one whose run finished; one still in use is a 409.",
                },
            },
            "additionalProperties": False,
        }
        if required_fields:  # left out, the input is {} and fails validation (422)
            schemas[request_name]["required"] = ["input"]
        schemas[request_name] = {"oneOf": [schemas[request_name], fork_request()]}
        paths[f"/graphs/{name}/runs"] = {
            "post": {
                "operationId": f"startRun_{name}",
                "summary": f"Start a run of graph {name!r}",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(request_name)}},
                },
                "responses": {
                    "202": {
                        **_json(_ref("RunAccepted"), "Run started"),
                        "headers": {
                            "Location": {
                                "description": "The run's status URL",
                                "schema": {"type": "string"},
                            }
                        },
                    },
                    **_errors(404, 409, 422, *_POSTED),
                },
            }
        }
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Durable graph API",
            "version": __version__,
            "description": "Start, inspect, signal and cancel graph runs on Durable Functions.",
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _event_names(paths: dict[str, Any], registrations: Sequence[GraphRegistration]) -> None:
    """Event names are a fixed set (every graph's handlers): an enum, so others are invalid."""
    names = sorted({e for r in registrations for e in r.manifest.event_handlers})
    # No graph takes events: no name is valid (an empty enum is not allowed).
    schema = {"type": "string", "enum": names} if names else {"type": "string", "not": {}}
    for param in paths["/runs/{instance_id}/events/{event_name}"]["post"]["parameters"]:
        if param["name"] == "event_name":
            param["schema"] = schema


def _hoist_state_schema(registration: GraphRegistration, schemas: dict[str, Any]) -> dict[str, str]:
    """Put the state model (and its $defs) under components; return a $ref to it."""
    prefix = registration.graph_name
    schema = _state_schema(registration, f"#/components/schemas/{prefix}.{{model}}")
    for def_name, definition in schema.pop("$defs", {}).items():
        schemas[f"{prefix}.{def_name}"] = definition
    if set(schema) == {"$ref"}:  # a self-referencing model lives in $defs already
        return {"$ref": schema["$ref"]}
    state_name = f"{prefix}.{registration.manifest.state_model_name}"
    schemas[state_name] = schema
    return _ref(state_name)


def _state_schema(registration: GraphRegistration, ref_template: str) -> dict[str, Any]:
    """A Pydantic state model's schema with our refs; another codec's schema as it gives it."""
    if registration.state_model is not None:
        return registration.state_model.model_json_schema(ref_template=ref_template)
    schema = _local_refs_to(registration.codec.json_schema(), ref_template)
    return dict(schema)


def _local_refs_to(schema: Any, ref_template: str) -> Any:
    """A codec's schema with its ``#/$defs/X`` refs pointing where its $defs are hoisted."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            schema = {**schema, "$ref": ref_template.format(model=ref.removeprefix("#/$defs/"))}
        return {k: v if k == "$ref" else _local_refs_to(v, ref_template) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_local_refs_to(item, ref_template) for item in schema]
    return schema


def _has_required_fields(registration: GraphRegistration) -> bool:
    """Whether an empty input fails the state model (then the schema requires `input`)."""
    schema = _state_schema(registration, "#/$defs/{model}")
    ref = schema.get("$ref")
    if isinstance(ref, str):  # a self-referencing model: the model itself is in $defs
        schema = schema.get("$defs", {}).get(ref.rsplit("/", 1)[-1], {})
    return bool(schema.get("required"))
