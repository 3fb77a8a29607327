"""The OpenAPI description of GET /api/runs (kept beside its handler, api/runs_list.py)."""

from __future__ import annotations

from typing import Any

from .runs_list import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, RUN_STATUSES


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _error(description: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/Error"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


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
            "runs": {"type": "array", "items": {"$ref": "#/components/schemas/RunSummary"}},
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
                _query("graph", "Only runs of this graph", {"type": "string", "minLength": 1}),
                {
                    **_query(
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
                _query("created_from", "Runs created at or after this time", time),
                _query("created_to", "Runs created at or before this time", time),
                _query(
                    "page_size",
                    f"Runs per page (default {DEFAULT_PAGE_SIZE})",
                    {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                ),
                _query(
                    "continuation_token",
                    "The previous page's continuation_token (404 when no page has it)",
                    {"type": "string", "pattern": "^[ -~]+$"},
                ),
            ],
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/RunPage"}}
                    },
                },
                "400": _error("invalid_query: a query parameter breaks the rules above"),
                "404": _error("page_not_found: no page has this continuation_token"),
                "500": _error("Unexpected server error (details are in the logs)"),
                "501": _error("The Durable client binding cannot query instances"),
                "502": _error("The Durable instance query failed"),
            },
        }
    }
