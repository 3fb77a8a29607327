"""The OpenAPI description of GET /api/runs (its handler is api/runs_list.py)."""

from __future__ import annotations

from typing import Any

from ..runs_list import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, RUN_STATUSES
from .schema import error_response, json_content, query_param, ref


def add_runs_list(paths: dict[str, Any], schemas: dict[str, Any]) -> None:
    """Add the path and a `RunSummary` schema (a `Run` without its `output`) to a document."""
    run = schemas["Run"]
    schemas["RunSummary"] = {
        **run,
        "required": [f for f in run.get("required", []) if f != "output"],
        "properties": {k: v for k, v in run["properties"].items() if k != "output"},
    }
    schemas["RunPage"] = {
        "type": "object",
        "required": ["runs", "continuation_token"],
        "properties": {
            "runs": {"type": "array", "items": ref("RunSummary")},
            "continuation_token": {
                "type": ["string", "null"],
                "description": "Pass back as continuation_token for the next page; null at "
                "the end. A page may hold fewer than page_size runs before the end.",
            },
        },
    }
    time = {"type": "string", "format": "date-time"}
    paths["/runs"] = {
        "get": {
            "operationId": "listRuns",
            "summary": "Graph runs, newest first within a page, filtered and paged",
            "parameters": [
                query_param("graph", "Only runs of this graph", {"type": "string", "minLength": 1}),
                {
                    **query_param(
                        "status",
                        f"Run statuses, comma-separated: {', '.join(RUN_STATUSES)}",
                        {
                            "type": "array",
                            "items": {"type": "string", "enum": list(RUN_STATUSES)},
                            "minItems": 1,
                        },
                    ),
                    "style": "form",
                    "explode": False,
                },
                query_param("created_from", "Runs created at or after this time", time),
                query_param("created_to", "Runs created at or before this time", time),
                query_param(
                    "page_size",
                    f"Runs per page (default {DEFAULT_PAGE_SIZE})",
                    {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                ),
                query_param(
                    "continuation_token",
                    "The previous page's continuation_token (404 when no page has it)",
                    {"type": "string", "pattern": "^[ -~]+$"},
                ),
            ],
            "responses": {
                "200": json_content(ref("RunPage"), "OK"),
                "400": error_response("invalid_query: a query parameter breaks the rules above"),
                "404": error_response("page_not_found: no page has this continuation_token"),
                "500": error_response("Unexpected server error (details are in the logs)"),
                "501": error_response("The Durable client binding cannot query instances"),
                "502": error_response("The Durable instance query failed"),
            },
        }
    }
