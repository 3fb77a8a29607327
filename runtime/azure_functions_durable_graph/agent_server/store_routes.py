"""The store routes of LangGraph's Agent Server API, on the Functions blueprint.

    PUT    {prefix}/langgraph/store/items            put an item (204)
    GET    {prefix}/langgraph/store/items            ?namespace=a.b&key=k (the item, or null)
    DELETE {prefix}/langgraph/store/items            delete an item (204)
    POST   {prefix}/langgraph/store/items/search     {"items": [...]}
    POST   {prefix}/langgraph/store/namespaces       {"namespaces": [[...], ...]}

Shapes, defaults and refusals are those of LangGraph's server (langgraph-api),
which `langgraph_sdk`'s StoreClient speaks. An error a store raises for bad
input (a ValueError: an empty namespace, a "langgraph" root label, an unknown
filter operator) is a 400 `{"detail": ...}`, as LangGraph answers it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any

import azure.functions as func

from ..http_streaming import http_endpoint
from .store_requests import (
    StoreRequestError,
    check_index,
    checked,
    namespace_of,
    parse_body,
)
from .stores.selection import StoreProvider, StoreUnavailableError

logger = logging.getLogger("azure_functions_durable_graph.agent_server")

ROUTE_ITEMS = "langgraph/store/items"
ROUTE_SEARCH = "langgraph/store/items/search"
ROUTE_NAMESPACES = "langgraph/store/namespaces"
#: Function names, prefixed like the app's other functions.
FUNCTIONS = {
    ROUTE_ITEMS: "durable_graph_http_langgraph_store_items",
    ROUTE_SEARCH: "durable_graph_http_langgraph_store_search",
    ROUTE_NAMESPACES: "durable_graph_http_langgraph_store_namespaces",
}
DEFAULT_MAX_BODY_BYTES = 1024 * 1024

Handler = Callable[[func.HttpRequest], Awaitable[func.HttpResponse]]


def _json(body: Any, status: int = 200) -> func.HttpResponse:
    return func.HttpResponse(
        json.dumps(body, default=str), status_code=status, mimetype="application/json"
    )


def _no_content() -> func.HttpResponse:
    return func.HttpResponse(status_code=204)


def _item_json(item: Any) -> dict[str, Any]:
    """`Item.dict()`, its times with their UTC offset as LangGraph's server gives them
    (SqliteStore hands back naive UTC times)."""
    body: dict[str, Any] = item.dict()
    for name in ("created_at", "updated_at"):
        moment = getattr(item, name)
        if isinstance(moment, datetime) and moment.tzinfo is None:
            body[name] = moment.replace(tzinfo=timezone.utc).isoformat()
    return body


class StoreRoutes:
    """The handlers, each answering LangGraph's shapes for one request."""

    def __init__(self, stores: StoreProvider, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES):
        self._stores = stores
        self._limit = max_body_bytes

    async def items(self, req: func.HttpRequest) -> func.HttpResponse:
        method = req.method.upper()
        if method == "PUT":
            return await self._answer(self._put, req)
        if method == "DELETE":
            return await self._answer(self._delete, req)
        return await self._answer(self._get, req)

    async def search(self, req: func.HttpRequest) -> func.HttpResponse:
        return await self._answer(self._search, req)

    async def namespaces(self, req: func.HttpRequest) -> func.HttpResponse:
        return await self._answer(self._namespaces, req)

    async def _answer(self, handler: Handler, req: func.HttpRequest) -> func.HttpResponse:
        try:
            return await handler(req)
        except StoreRequestError as refused:
            if refused.text:
                return func.HttpResponse(
                    str(refused.body), status_code=refused.status, mimetype="text/plain"
                )
            return _json(refused.body, refused.status)
        except StoreUnavailableError as exc:
            logger.error("the LangGraph store is not available: %s", exc)
            return _json({"detail": f"The store is not available: {exc}"}, 503)
        except (ValueError, NotImplementedError) as exc:
            # The store's own refusals (LangGraph answers ValueErrors so); NotImplementedError:
            # a `ttl` the configured store cannot keep.
            return _json({"detail": str(exc)}, 400)

    def _body(self, req: func.HttpRequest) -> Any:
        return parse_body(req.get_body() or b"", self._limit)

    async def _put(self, req: func.HttpRequest) -> func.HttpResponse:
        body = checked(
            self._body(req),
            ("namespace", "key", "value"),
            {
                "namespace": ("array",),
                "key": ("string",),
                "value": ("object",),
                "ttl": ("number", "null"),
            },
        )
        check_index(body)
        namespace = namespace_of(body["namespace"] or ())
        await self._stores.get().aput(
            namespace, body["key"], body["value"], index=body.get("index"), ttl=body.get("ttl")
        )
        return _no_content()

    async def _get(self, req: func.HttpRequest) -> func.HttpResponse:
        namespace = namespace_of(req.params.get("namespace", "").split("."))
        key = req.params.get("key")
        if not key:
            raise StoreRequestError(400, {"error": "Key is required"})
        raw = req.params.get("refresh_ttl")
        refresh = None if raw is None else raw.lower() == "true"
        item = await self._stores.get().aget(namespace, key, refresh_ttl=refresh)
        return _json(None if item is None else _item_json(item))

    async def _delete(self, req: func.HttpRequest) -> func.HttpResponse:
        body = checked(self._body(req), ("key",), {"namespace": ("array",), "key": ("string",)})
        namespace = namespace_of(body.get("namespace") or ())
        await self._stores.get().adelete(namespace, body["key"])
        return _no_content()

    async def _search(self, req: func.HttpRequest) -> func.HttpResponse:
        body = checked(
            self._body(req),
            (),
            {
                "namespace_prefix": ("array", "null"),
                "filter": ("object", "null"),
                "limit": ("integer",),
                "offset": ("integer",),
                "query": ("string", "null"),
                "refresh_ttl": ("boolean", "null"),
            },
        )
        # LangGraph's server fails with a 500 on a missing or null prefix; the schema
        # allows null, so here it means the whole store.
        prefix = namespace_of(body.get("namespace_prefix") or ())
        items = await self._stores.get().asearch(
            prefix,
            filter=body.get("filter"),
            limit=int(body.get("limit") or 10),
            offset=int(body.get("offset") or 0),
            query=body.get("query"),
            refresh_ttl=body.get("refresh_ttl"),
        )
        return _json({"items": [_item_json(item) for item in items]})

    async def _namespaces(self, req: func.HttpRequest) -> func.HttpResponse:
        body = checked(
            self._body(req),
            (),
            {
                "prefix": ("array",),
                "suffix": ("array",),
                "max_depth": ("integer",),
                "limit": ("integer",),
                "offset": ("integer",),
            },
        )
        prefix = namespace_of(body["prefix"]) if body.get("prefix") else None
        suffix = namespace_of(body["suffix"]) if body.get("suffix") else None
        depth = body.get("max_depth")
        namespaces = await self._stores.get().alist_namespaces(
            prefix=prefix,
            suffix=suffix,
            max_depth=None if depth is None else int(depth),
            limit=int(body.get("limit", 100)),
            offset=int(body.get("offset", 0)),
        )
        return _json({"namespaces": [list(n) for n in namespaces]})


def register_store_routes(
    bp: Any,
    stores: StoreProvider,
    auth_level: func.AuthLevel | str,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    streaming: bool = False,
) -> StoreRoutes:
    """Register the store routes on a (df.)Blueprint or FunctionApp; return their handlers.
    With HTTP `streaming` on, with the extension's types (http_streaming.py)."""
    routes = StoreRoutes(stores, max_body_bytes)
    table: list[tuple[Callable[[func.HttpRequest], Awaitable[func.HttpResponse]], str, list[str]]]
    table = [
        (routes.items, ROUTE_ITEMS, ["GET", "PUT", "DELETE"]),
        (routes.search, ROUTE_SEARCH, ["POST"]),
        (routes.namespaces, ROUTE_NAMESPACES, ["POST"]),
    ]
    for handler, route, methods in table:
        endpoint = http_endpoint(FUNCTIONS[route], handler, client=False, streaming=streaming)
        decorated: Any = bp.route(route=route, methods=methods, auth_level=auth_level)(endpoint)
        bp.function_name(FUNCTIONS[route])(decorated)
    return routes
