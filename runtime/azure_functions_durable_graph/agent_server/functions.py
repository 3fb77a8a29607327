"""The Functions the Agent Server API needs: one HTTP function, the thread entities.

No ``from __future__ import annotations``: the Functions worker reads the registered
functions' annotations at indexing time.
"""

import os
from collections.abc import Callable, Generator
from typing import Any

import azure.functions as func

from .. import deferred
from ..durable.names import PREPARE_ACTIVITY, THREAD_ENTITY
from ..http_streaming import Answer, http_endpoint

#: The TTL's orchestration and activity (thread_ttl.py, imported when they first run).
TTL_ORCHESTRATOR = "durable_graph_thread_ttl"
EXPIRE_ACTIVITY = "durable_graph_thread_expire"
#: Under the app's route prefix: ``/api/langgraph/...`` with the default prefix.
AGENT_SERVER_ROUTE = "langgraph/{*path}"
HTTP_FUNCTION = "durable_graph_http_langgraph"
#: The thread entities (thread_entity.py: their bodies, imported when they first run);
#: THREAD_ENTITY's name is in durable/names.py (a queued run's history calls it).
THREAD_INDEX_ENTITY = "durable_graph_thread_index"
#: App setting: when set, the API wants it in LangGraph's ``x-api-key`` header instead of a
#: function key (the route is then anonymous to the Functions host, and checked here).
API_KEY_SETTING = "DURABLE_GRAPH_LANGGRAPH_API_KEY"
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def register_agent_server(
    bp: Any,
    registry: Any,
    *,
    auth_level: func.AuthLevel | str,
    orchestrator_name: str,
    max_request_bytes: int,
    stores: Any = None,
    http_streaming: bool = False,
) -> None:
    """Add the Agent Server API of `registry`'s graphs to blueprint `bp`; with HTTP
    streaming on, its SSE follows runs live (http_streaming.py)."""
    server: Any = None
    api_key = os.environ.get(API_KEY_SETTING) or None
    if api_key is not None:
        auth_level = func.AuthLevel.ANONYMOUS

    async def langgraph_api(req: func.HttpRequest, client: Any) -> Answer:
        nonlocal server
        if server is None:  # built on the first request: not part of cold start
            from .server import AgentServer

            server = AgentServer(
                registry,
                orchestrator_name=orchestrator_name,
                max_request_bytes=max_request_bytes,
                api_key=api_key,
                stores=stores,
                live=http_streaming,
            )
        answer: Answer = await server.handle(req, client)
        return answer

    _apply(
        http_endpoint(HTTP_FUNCTION, langgraph_api, client=True, streaming=http_streaming),
        bp.function_name(HTTP_FUNCTION),
        bp.route(route=AGENT_SERVER_ROUTE, methods=METHODS, auth_level=auth_level),
        bp.durable_client_input(client_name="client"),
    )

    async def thread_prepare(request: Any, client: Any) -> Any:
        from .run_prepare import prepare

        return await prepare(registry, client, request)

    _apply(
        thread_prepare,
        bp.function_name(PREPARE_ACTIVITY),
        bp.activity_trigger(input_name="request", activity=PREPARE_ACTIVITY),
        bp.durable_client_input(client_name="client"),
    )

    async def thread_expire(request: Any, client: Any) -> Any:
        from .thread_ttl import expire

        return await expire(client, request)

    _apply(
        thread_expire,
        bp.function_name(EXPIRE_ACTIVITY),
        bp.activity_trigger(input_name="request", activity=EXPIRE_ACTIVITY),
        bp.durable_client_input(client_name="client"),
    )

    def thread_ttl(context: Any) -> Generator[Any, Any, str]:
        from .thread_ttl import ttl_orchestrator

        return (yield from ttl_orchestrator(context))

    _apply(
        thread_ttl,
        bp.function_name(TTL_ORCHESTRATOR),
        bp.orchestration_trigger(context_name="context", orchestration=TTL_ORCHESTRATOR),
    )
    bodies = ((THREAD_ENTITY, "thread_entity"), (THREAD_INDEX_ENTITY, "thread_index_entity"))
    for name, body in bodies:
        _apply(
            deferred.entity(".agent_server.thread_entity", body),
            bp.function_name(name),
            bp.entity_trigger(context_name="context", entity_name=name),
        )


def _apply(fn: Callable[..., Any], *decorators: Any) -> None:
    target: Any = fn
    for decorator in reversed(decorators):
        target = decorator(target)
