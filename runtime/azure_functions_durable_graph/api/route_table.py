"""The HTTP API's route table: each function's name, route, method and handler, in one list.

No ``from __future__ import annotations``: the Functions worker reads the endpoint
functions' annotations at indexing time, so they stay real objects.

Another module contributes routes by building `HttpRoute`s and passing them to
`DurableGraphApp.add_http_routes` (or to `register_http_routes` on its own blueprint).
"""

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import azure.functions as func

from ..http_streaming import http_endpoint

if TYPE_CHECKING:
    from .handlers import GraphApi

ClientHandler = Callable[[func.HttpRequest, Any], Awaitable[func.HttpResponse]]
PlainHandler = Callable[[func.HttpRequest], func.HttpResponse]

#: The prefix of every HTTP function the graph API registers.
HTTP_PREFIX = "durable_graph_http_"


@dataclass(frozen=True)
class HttpRoute:
    """One HTTP function: with ``client=True`` the handler also gets the Durable client."""

    name: str  # the Functions function name, unique in the app
    route: str
    method: str
    handler: ClientHandler | PlainHandler
    client: bool = False


def graph_api_routes(api: Callable[[], "GraphApi"]) -> list[HttpRoute]:
    """The graph API (docs/architecture.md lists it); names and routes never change.

    `api` gives the `GraphApi` whose methods answer; the routes call it on each request,
    so the handlers (api/handlers.py and all it imports) load with the first request,
    not with the app (a deployed app imports this at every cold start).
    """

    async def list_runs(req: func.HttpRequest, client: Any) -> func.HttpResponse:
        from .runs_list import list_runs

        return await list_runs(req, client, api().registry)

    def with_client(short: str, route: str, method: str) -> HttpRoute:
        async def handler(req: func.HttpRequest, client: Any) -> func.HttpResponse:
            response: func.HttpResponse = await getattr(api(), short)(req, client)
            return response

        return HttpRoute(HTTP_PREFIX + short, route, method, handler, client=True)

    def plain(short: str, route: str) -> HttpRoute:
        def handler(req: func.HttpRequest) -> func.HttpResponse:
            response: func.HttpResponse = getattr(api(), short)(req)
            return response

        return HttpRoute(HTTP_PREFIX + short, route, "GET", handler)

    return [
        HttpRoute(HTTP_PREFIX + "list_runs", "runs", "GET", list_runs, client=True),
        with_client("start_run", "graphs/{graph_name}/runs", "POST"),
        with_client("get_run", "runs/{instance_id}", "GET"),
        with_client("raise_event", "runs/{instance_id}/events/{event_name}", "POST"),
        with_client("cancel_run", "runs/{instance_id}/cancel", "POST"),
        with_client("resume_run", "runs/{instance_id}/resume", "POST"),
        with_client("get_steps", "runs/{instance_id}/steps", "GET"),
        plain("health", "health"),
        plain("list_graphs", "graphs"),
        plain("get_graph", "graphs/{graph_name}"),
        plain("openapi", "openapi.json"),
    ]


def register_http_routes(
    bp: Any, routes: Iterable[HttpRoute], auth: Any, *, streaming: bool = False
) -> None:
    """Register each route on a (df.)Blueprint: one fresh endpoint function per route,
    with the extension's types when HTTP `streaming` is on (http_streaming.py)."""
    for entry in routes:
        decorators = [
            bp.function_name(entry.name),
            bp.route(route=entry.route, methods=[entry.method], auth_level=auth),
        ]
        if entry.client:
            decorators.append(bp.durable_client_input(client_name="client"))
        short = entry.name.removeprefix(HTTP_PREFIX)
        endpoint = http_endpoint(short, entry.handler, client=entry.client, streaming=streaming)
        apply_decorators(endpoint, *decorators)


def apply_decorators(fn: Callable[..., Any], *decorators: Any) -> None:
    """Apply the SDK's (untyped) decorators, innermost last, as the @ syntax would."""
    target: Any = fn
    for decorator in reversed(decorators):
        target = decorator(target)
