"""Each graph's start path, its request body typed by the graph's state model.

The model's nested definitions are hoisted into ``components/schemas`` under
``{graph_name}.{Model}`` so graphs cannot clash.
"""

from __future__ import annotations

from typing import Any

from ...graph.manifest import GraphRegistration
from ..inputs import INSTANCE_ID_PATTERN, INSTANCE_ID_RULE
from .run_options import add_run_options
from .schema import POSTED, errors, json_content, ref, request_body
from .steps import fork_request


def add_graph(
    paths: dict[str, Any], schemas: dict[str, Any], registration: GraphRegistration
) -> None:
    """POST /graphs/{name}/runs and the schemas of its body."""
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
    add_run_options(schemas[request_name], registration, schemas)
    if required_fields:  # left out, the input is {} and fails validation (422)
        schemas[request_name]["required"] = ["input"]
    schemas[request_name] = {"oneOf": [schemas[request_name], fork_request()]}
    paths[f"/graphs/{name}/runs"] = {
        "post": {
            "operationId": f"startRun_{name}",
            "summary": f"Start a run of graph {name!r}",
            "requestBody": request_body(ref(request_name), required=True),
            "responses": {
                "202": {
                    **json_content(ref("RunAccepted"), "Run started"),
                    "headers": {
                        "Location": {
                            "description": "The run's status URL",
                            "schema": {"type": "string"},
                        }
                    },
                },
                **errors(404, 409, 422, *POSTED),
            },
        }
    }


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
    return ref(state_name)


def _state_schema(registration: GraphRegistration, ref_template: str) -> dict[str, Any]:
    """A Pydantic state model's schema with our refs; another codec's schema as it gives it."""
    if registration.state_model is not None:
        return registration.state_model.model_json_schema(ref_template=ref_template)
    schema = _local_refs_to(registration.codec.json_schema(), ref_template)
    return dict(schema)


def _local_refs_to(schema: Any, ref_template: str) -> Any:
    """A codec's schema with its ``#/$defs/X`` refs pointing where its $defs are hoisted."""
    if isinstance(schema, dict):
        target = schema.get("$ref")
        if isinstance(target, str) and target.startswith("#/$defs/"):
            model = target.removeprefix("#/$defs/")
            schema = {**schema, "$ref": ref_template.format(model=model)}
        return {k: v if k == "$ref" else _local_refs_to(v, ref_template) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_local_refs_to(item, ref_template) for item in schema]
    return schema


def _has_required_fields(registration: GraphRegistration) -> bool:
    """Whether an empty input fails the state model (then the schema requires `input`)."""
    schema = _state_schema(registration, "#/$defs/{model}")
    target = schema.get("$ref")
    if isinstance(target, str):  # a self-referencing model: the model itself is in $defs
        schema = schema.get("$defs", {}).get(target.rsplit("/", 1)[-1], {})
    return bool(schema.get("required"))
