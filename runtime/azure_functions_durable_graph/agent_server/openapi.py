"""The Agent Server routes in the app's OpenAPI document (under ``/langgraph``).

Bodies are described by their main fields, not exhaustively: LangGraph's own
server publishes the full schema, and its clients are the reference.
"""

from __future__ import annotations

from typing import Any

OBJECT: dict[str, Any] = {"type": "object", "additionalProperties": True}
#: LangGraph's interrupt_before / interrupt_after: "*" or node names (no null).
BREAKPOINTS: dict[str, Any] = {
    "anyOf": [{"type": "string", "enum": ["*"]}, {"type": "array", "items": {"type": "string"}}]
}
ARRAY: dict[str, Any] = {"type": "array", "items": OBJECT}
#: A run's config as the server checks it (agent_server/run_config.py).
RUN_CONFIG: dict[str, Any] = {
    "type": "object",
    "properties": {
        "recursion_limit": {"type": "integer", "minimum": 1},
        "configurable": OBJECT,
        "tags": {"type": "array"},
        "metadata": OBJECT,
        "run_name": {"type": "string"},
    },
}
ERROR = "AgentServerError"
RUN_CREATE = "AgentServerRunCreate"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _body(schema: dict[str, Any], required: bool = False) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def _param(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if name in ("thread_id", "run_id"):  # LangGraph's ids: anything else is a 422
        schema["format"] = "uuid"
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _responses(ok: dict[str, Any] | None, *codes: int, sse: bool = False) -> dict[str, Any]:
    reasons = {
        400: "On the local host: a Host header it does not answer (the app's error body)",
        403: "On the local host: a state-changing request from another site",
        404: "Unknown thread, run or assistant",
        409: "Thread id taken, or a run refused by multitask_strategy",
        413: "Body larger than the app's max_request_bytes",
        422: "Malformed id or body, unknown assistant or stream mode",
    }
    out: dict[str, Any] = {}
    if sse:
        out["200"] = {
            "description": "Server-sent events (metadata, values, updates, error)",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        }
    elif ok is None:
        out["204"] = {"description": "Done"}
    else:
        out["200"] = {"description": "OK", "content": {"application/json": {"schema": ok}}}
    error = {"content": {"application/json": {"schema": _ref(ERROR)}}}
    either = {"anyOf": [_ref(ERROR), _ref("Error")]}  # the local host's guard answers these
    for code in sorted({*codes, 400, 500}):
        body = (
            {"content": {"application/json": {"schema": either}}} if code in (400, 403) else error
        )
        out[str(code)] = {"description": reasons.get(code, "Internal error"), **body}
    return out


def _op(
    op_id: str,
    summary: str,
    ok: dict[str, Any] | None,
    *codes: int,
    body: dict[str, Any] | None = None,
    params: tuple[str, ...] = (),
    sse: bool = False,
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": f"langgraph_{op_id}",
        "summary": summary,
        "tags": ["Agent Server (LangGraph)"],
        "responses": _responses(ok, *codes, sse=sse),
    }
    if params:
        operation["parameters"] = [_param(p) for p in params]
    if body is not None:
        operation["requestBody"] = _body(body, required=False)
    return operation


def _paths() -> dict[str, Any]:
    t, r, a = ("thread_id",), ("thread_id", "run_id"), ("assistant_id",)
    run = _ref(RUN_CREATE)
    paths: dict[str, Any] = {
        "/langgraph/assistants/search": {
            "post": _op("searchAssistants", "Assistants (one per graph)", ARRAY, 422, body=OBJECT)
        },
        "/langgraph/assistants/count": {
            "post": _op("countAssistants", "How many assistants match", {"type": "integer"})
        },
        "/langgraph/assistants/{assistant_id}": {
            "get": _op("getAssistant", "An assistant (UUID or graph name)", OBJECT, 404, params=a)
        },
        "/langgraph/assistants/{assistant_id}/graph": {
            "get": _op("getAssistantGraph", "LangGraph's drawable graph", OBJECT, 404, params=a)
        },
        "/langgraph/assistants/{assistant_id}/schemas": {
            "get": _op("getAssistantSchemas", "Input/output/state schemas", OBJECT, 404, params=a)
        },
        "/langgraph/threads": {
            "post": _op("createThread", "Create a thread", OBJECT, 409, 422, body=OBJECT)
        },
        "/langgraph/threads/search": {
            "post": _op("searchThreads", "Search threads", ARRAY, 422, body=OBJECT)
        },
        "/langgraph/threads/count": {
            "post": _op("countThreads", "Count threads", {"type": "integer"}, 422, body=OBJECT)
        },
        "/langgraph/threads/{thread_id}": {
            "get": _op("getThread", "A thread", OBJECT, 404, 422, params=t),
            "patch": _op("patchThread", "Merge metadata", OBJECT, 404, 422, body=OBJECT, params=t),
            "delete": _op("deleteThread", "Delete a thread", None, 404, 422, params=t),
        },
        "/langgraph/threads/{thread_id}/copy": {
            "post": _op("copyThread", "Copy a thread", OBJECT, 404, 409, 422, params=t)
        },
        "/langgraph/threads/{thread_id}/state": {
            "get": _op("getThreadState", "The thread's state", OBJECT, 404, 422, params=t),
            "post": _op(
                "updateThreadState",
                "Write values as a node",
                OBJECT,
                404,
                409,
                422,
                body=OBJECT,
                params=t,
            ),
        },
        "/langgraph/threads/{thread_id}/history": {
            "post": _op(
                "threadHistory", "Checkpoints, newest first", ARRAY, 404, 422, body=OBJECT, params=t
            ),
        },
    }
    paths["/langgraph/threads/{thread_id}/history"]["get"] = _op(
        "threadHistoryGet", "Checkpoints, newest first", ARRAY, 404, 422, params=t
    )
    paths["/langgraph/assistants/{assistant_id}/subgraphs"] = {
        "get": _op("getAssistantSubgraphs", "Subgraphs (none listed)", OBJECT, 404, params=a)
    }
    paths["/langgraph/assistants/{assistant_id}/subgraphs/{namespace}"] = {
        "get": _op(
            "getAssistantSubgraph",
            "Subgraphs (none listed)",
            OBJECT,
            404,
            params=(*a, "namespace"),
        )
    }
    paths["/langgraph/threads/{thread_id}/state/{checkpoint_id}"] = {
        "get": _op(
            "getThreadStateAt",
            "The state at a checkpoint",
            OBJECT,
            404,
            422,
            params=(*t, "checkpoint_id"),
        )
    }
    paths["/langgraph/threads/{thread_id}/state/checkpoint"] = {
        "post": _op(
            "postThreadStateAt",
            "The state at a checkpoint",
            OBJECT,
            404,
            422,
            body=OBJECT,
            params=t,
        )
    }
    for prefix, params in (("/langgraph/threads/{thread_id}/runs", t), ("/langgraph/runs", ())):
        stateless = "Stateless" if not params else ""
        codes = (404, 409, 413, 422)
        paths[prefix] = {
            "post": _op(
                f"create{stateless}Run",
                "Start a background run",
                OBJECT,
                *codes,
                body=run,
                params=params,
            )
        }
        paths[f"{prefix}/wait"] = {
            "post": _op(
                f"wait{stateless}Run",
                "Run and answer its values",
                OBJECT,
                *codes,
                body=run,
                params=params,
            )
        }
        paths[f"{prefix}/stream"] = {
            "post": _op(
                f"stream{stateless}Run",
                "Run and stream its events",
                None,
                *codes,
                body=run,
                params=params,
                sse=True,
            )
        }
    paths["/langgraph/threads/{thread_id}/runs"]["get"] = _op(
        "listRuns", "The thread's runs, newest first", ARRAY, 404, 422, params=t
    )
    paths["/langgraph/threads/{thread_id}/runs/{run_id}"] = {
        "get": _op("getRun", "A run", OBJECT, 404, 422, params=r),
        "delete": _op("deleteRun", "Forget a run that ended", None, 404, 409, 422, params=r),
    }
    paths["/langgraph/threads/{thread_id}/runs/{run_id}/join"] = {
        "get": _op("joinRun", "Wait for a run; its values", OBJECT, 404, 422, params=r)
    }
    paths["/langgraph/threads/{thread_id}/runs/{run_id}/stream"] = {
        "get": _op("joinRunStream", "A run's events", None, 404, 422, params=r, sse=True)
    }
    paths["/langgraph/threads/{thread_id}/runs/{run_id}/cancel"] = {
        "post": _op("cancelRun", "Cancel a run", OBJECT, 404, 409, 422, params=r)
    }
    return paths


def _schemas() -> dict[str, Any]:
    return {
        ERROR: {
            "type": "object",
            "required": ["detail"],
            "properties": {"detail": {"type": "string"}},
        },
        RUN_CREATE: {
            "type": "object",
            "required": ["assistant_id"],
            "properties": {
                "assistant_id": {"type": "string", "description": "Graph name or its UUID"},
                "input": {"type": ["object", "null"]},
                "command": {
                    "type": "object",
                    "properties": {"resume": {}, "update": {}, "goto": {}},
                    "additionalProperties": False,
                },
                "config": RUN_CONFIG,
                "context": {
                    **OBJECT,
                    "description": "The graph's context_schema; not with config.configurable",
                },
                "metadata": OBJECT,
                "stream_mode": {
                    "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
                },
                "checkpoint_id": {"type": "string"},
                "interrupt_before": BREAKPOINTS,
                "interrupt_after": BREAKPOINTS,
                "multitask_strategy": {
                    "type": "string",
                    "enum": ["reject", "interrupt", "rollback", "enqueue"],
                },
                "if_not_exists": {"type": "string", "enum": ["reject", "create"]},
            },
        },
    }


def add_agent_server(paths: dict[str, Any], schemas: dict[str, Any]) -> None:
    """Add the Agent Server's operations and schemas to an OpenAPI document's parts."""
    added = _paths()
    either = {"anyOf": [_ref(ERROR), _ref("Error")]}
    for operations in added.values():
        for method, operation in operations.items():
            if method in ("post", "patch", "put"):  # a foreign origin, a body over the limit
                operation["responses"].setdefault(
                    "403",
                    {
                        "description": "On the local host: a request from another site",
                        "content": {"application/json": {"schema": either}},
                    },
                )
                operation["responses"].setdefault("413", _responses({}, 413)["413"])
    paths.update(added)
    schemas.update(_schemas())
