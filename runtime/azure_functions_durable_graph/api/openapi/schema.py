"""The one family of helpers every part of the document is built with."""

from __future__ import annotations

from typing import Any

from ..inputs import MAX_JSON_DEPTH, RUN_ID_PATTERN, RUN_ID_RULE

#: Errors every POST can answer: a foreign origin, a body over the limit.
POSTED = (403, 413)

_REASONS = {
    400: "Bad request: invalid_json (not JSON, NaN/Infinity, nested deeper than "
    f"{MAX_JSON_DEPTH}), invalid_body, invalid_instance_id, unknown_event; on the local "
    "host also host_not_allowed",
    403: "origin_not_allowed: a state-changing request from another site (local host)",
    404: "graph_not_found or instance_not_found (an id that breaks the id rules is never found)",
    409: "instance_exists (the instance_id is in use) or run_finished (the run finished, "
    "also when it finished while this request was made)",
    413: "request_too_large: the body is over the app's max_request_bytes",
    422: "validation_error: the input does not validate against the graph's state model "
    "(an event payload against the event's payload_model, an interrupt's answer against "
    "its node's answer_model)",
    500: "Unexpected server error (details are in the logs)",
}


def ref(name: str) -> dict[str, str]:
    """A reference to `components/schemas/{name}`."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """A response (or body) of JSON with this schema."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def request_body(schema: dict[str, Any], *, required: bool) -> dict[str, Any]:
    """A JSON request body with this schema."""
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def error_response(description: str) -> dict[str, Any]:
    """A response carrying our `{"error": {...}}` body."""
    return json_content(ref("Error"), description)


def errors(*codes: int) -> dict[str, Any]:
    """Error responses: `codes`, plus 400 (a Host header the server does not answer)
    and 500 on every operation."""
    return {str(c): error_response(_REASONS[c]) for c in sorted({*codes, 400, 500})}


def path_param(name: str, description: str) -> dict[str, Any]:
    """A path parameter; an instance id states the id rules."""
    schema: dict[str, Any] = {"type": "string"}
    if name == "instance_id":
        schema = {"type": "string", "pattern": RUN_ID_PATTERN}
        description = f"{description}: {RUN_ID_RULE}"
    return _parameter(name, "path", description, schema, required=True)


def query_param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    """An optional query parameter."""
    return _parameter(name, "query", description, schema, required=False)


def _parameter(
    name: str, where: str, description: str, schema: dict[str, Any], *, required: bool
) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": required,
        "description": description,
        "schema": schema,
    }
