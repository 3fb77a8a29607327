"""The OpenAPI description of a run's steps, its running state and forks (api/steps.py)."""

from __future__ import annotations

from typing import Any

from ..inputs import INSTANCE_ID_PATTERN, RUN_ID_PATTERN
from ..steps import MAX_PAGE
from .schema import error_response, json_content, query_param, ref


def add_steps(
    paths: dict[str, Any], schemas: dict[str, Any], instance_param: dict[str, Any]
) -> None:
    """GET /runs/{instance_id}/steps, the Step and StepPage schemas, and Run.state."""
    schemas["Run"]["properties"]["state"] = {
        "description": "The run's current state (the final state once completed; recorded "
        "steps may lag a running run by the step in flight; null for runs without a step log)."
    }
    schemas["Step"] = {
        "type": "object",
        "required": ["superstep", "nodes", "tasks", "state"],
        "properties": {
            "superstep": {"type": "integer"},
            "execution": {"type": "integer", "description": "Which continue-as-new execution"},
            "nodes": {"type": "array", "items": {"type": "string"}},
            "tasks": {
                "type": "array",
                "items": {"type": "object"},
                "description": "Per task: node, attempts, its update (or error), the Send "
                "argument, the resumes it got.",
            },
            "started_at": {"type": "string"},
            "ended_at": {"type": "string"},
            "event": {"type": ["object", "null"], "description": "The event its wait took"},
            "next": {"type": ["array", "null"], "items": {"type": "object"}},
            "state": {"type": "object", "description": "The state after the step"},
        },
    }
    schemas["StepPage"] = {
        "type": "object",
        "required": ["instance_id", "steps", "next_from_step"],
        "properties": {
            "instance_id": {"type": "string"},
            "step_log": {
                "type": "boolean",
                "description": "Whether the run records its steps (false: the app was "
                "built with step_log=False, or the run predates engine v2)",
            },
            "steps": {"type": "array", "items": ref("Step")},
            "next_from_step": {"type": ["integer", "null"]},
        },
    }
    paths["/runs/{instance_id}/steps"] = {
        "get": {
            "operationId": "getRunSteps",
            "summary": "Every recorded step of a run, in order, with the state after each",
            "parameters": [
                instance_param,
                query_param(
                    "from_step", "First superstep to return", {"type": "integer", "minimum": 0}
                ),
                query_param(
                    "page_size",
                    f"Steps per page (1-{MAX_PAGE}, default 100)",
                    {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                ),
            ],
            "responses": {
                "200": json_content(ref("StepPage"), "A page of steps"),
                "400": error_response("A bad query parameter (invalid_query)"),
                "404": error_response("No such run (instance_not_found)"),
            },
        }
    }


def fork_request() -> dict[str, Any]:
    """The body that starts a fork of an earlier run (see docs/graphs.md, "Steps and forks")."""
    return {
        "type": "object",
        "required": ["from_run", "from_step"],
        "properties": {
            "from_run": {"type": "string", "pattern": RUN_ID_PATTERN},
            "from_step": {"type": "integer", "minimum": 0},
            "state_patch": {"type": "object", "description": "Fields to change before it runs"},
            "instance_id": {"type": "string", "pattern": INSTANCE_ID_PATTERN},
        },
        "additionalProperties": False,
    }
