"""The paths every document has: health, graphs, one run and what can be sent to it."""

from __future__ import annotations

from typing import Any

from .schema import POSTED, errors, json_content, path_param, ref, request_body


def fixed_paths() -> dict[str, Any]:
    """Every path but the per-graph start paths, the runs list and the steps (their modules)."""
    return {
        "/health": {
            "get": {
                "operationId": "health",
                "summary": "Registered graphs with version and hash",
                "responses": {"200": json_content(ref("Health"), "OK"), **errors()},
            }
        },
        "/graphs": {
            "get": {
                "operationId": "listGraphs",
                "summary": "Manifests of every registered graph",
                "responses": {
                    "200": json_content(
                        {
                            "type": "object",
                            "properties": {"graphs": {"type": "array", "items": ref("Manifest")}},
                        },
                        "OK",
                    ),
                    **errors(),
                },
            }
        },
        "/graphs/{graph_name}": {
            "get": {
                "operationId": "getGraph",
                "summary": "One graph's manifest and its Mermaid diagram",
                "parameters": [path_param("graph_name", "A registered graph")],
                "responses": {"200": json_content(ref("GraphDetail"), "OK"), **errors(404)},
            }
        },
        "/runs/{instance_id}": {
            "get": {
                "operationId": "getRun",
                "summary": "A run's status, current node, waiting event, output or error",
                "parameters": [path_param("instance_id", "The run's instance id")],
                "responses": {"200": json_content(ref("Run"), "OK"), **errors(404)},
            }
        },
        "/runs/{instance_id}/events/{event_name}": _accepted_post(
            "raiseEvent",
            "Send an event (any JSON payload) to a waiting or running run",
            [
                path_param("instance_id", "The run's instance id"),
                path_param("event_name", "An event the run's graph has a handler for"),
            ],
            request_body({}, required=False),
            422,
        ),
        "/runs/{instance_id}/cancel": _accepted_post(
            "cancelRun",
            "Terminate a run",
            [path_param("instance_id", "The run's instance id")],
            request_body(ref("CancelRequest"), required=False),
        ),
        "/runs/{instance_id}/resume": _accepted_post(
            "resumeRun",
            "Answer a run's pending interrupt(s)",
            [path_param("instance_id", "The run's instance id")],
            request_body(ref("ResumeRequest"), required=True),
            422,
        ),
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {"200": json_content({"type": "object"}, "OK"), **errors()},
            }
        },
    }


def _accepted_post(
    operation_id: str,
    summary: str,
    parameters: list[dict[str, Any]],
    body: dict[str, Any],
    *codes: int,
) -> dict[str, Any]:
    """A POST to a run, answered 202 Accepted (404 for no such run, 409 once it finished)."""
    return {
        "post": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": parameters,
            "requestBody": body,
            "responses": {
                "202": json_content(ref("Accepted"), "Accepted"),
                **errors(404, 409, *codes, *POSTED),
            },
        }
    }
