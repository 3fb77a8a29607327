"""AgentServer: one request through the route table, errors in LangGraph's shape."""

from __future__ import annotations

import hmac
import json
import logging
from dataclasses import dataclass, field
from typing import Any

import azure.functions as func

from ..graph.registry import GraphRegistry
from ..http_streaming import Answer
from .errors import AgentServerError, error_response, invalid, json_response
from .routes import build_router
from .stores.selection import StoreProvider
from .thread_entity import ThreadEntities

logger = logging.getLogger("azure_functions_durable_graph")


@dataclass
class Call:
    """One request as handlers see it: path parameters, query, body, the Durable client."""

    server: AgentServer
    request: func.HttpRequest
    client: Any
    params: dict[str, str]
    query: dict[str, str] = field(default_factory=dict)

    @property
    def registry(self) -> GraphRegistry:
        return self.server.registry

    @property
    def threads(self) -> ThreadEntities:
        return ThreadEntities(self.client)

    def body(self) -> dict[str, Any]:
        """The JSON object body ({} when empty); 413 beyond the size limit, 422 if not JSON."""
        raw = self.request.get_body() or b""
        if len(raw) > self.server.max_request_bytes:
            raise AgentServerError(
                413, f"Request body larger than {self.server.max_request_bytes} bytes"
            )
        if not raw:  # no body; white space alone is not JSON (a 422, as LangGraph's)
            return {}
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise invalid(f"Invalid JSON body: {exc}") from exc
        if not isinstance(body, dict):
            raise invalid(f"Request body must be a JSON object, got {type(body).__name__}")
        return body


class AgentServer:
    """Serves the API; with an `api_key`, only to requests carrying it in ``x-api-key``;
    `live`: HTTP streaming is on, so streams follow their runs as they go."""

    def __init__(
        self,
        registry: GraphRegistry,
        *,
        orchestrator_name: str,
        max_request_bytes: int,
        api_key: str | None = None,
        stores: StoreProvider | None = None,
        live: bool = False,
    ) -> None:
        self.registry = registry
        self.api_key = api_key
        self.orchestrator_name = orchestrator_name
        self.max_request_bytes = max_request_bytes
        #: The app's store, which also carries the runs' stream channel (stream_channel.py).
        self.stores = stores
        #: HTTP streaming is on: SSE answers follow runs live (live_stream.py).
        self.live = live
        self.router = build_router()

    def _authorise(self, req: func.HttpRequest) -> None:
        if self.api_key is None:
            return
        given = req.headers.get("x-api-key") or ""
        if not hmac.compare_digest(given.encode(), self.api_key.encode()):
            raise AgentServerError(401, "Invalid or missing x-api-key header")

    async def handle(self, req: func.HttpRequest, client: Any) -> Answer:
        path = "/" + (req.route_params.get("path") or "").strip("/")
        try:
            self._authorise(req)
            handler, params = self.router.match(req.method.upper(), path)
            call = Call(self, req, client, params, dict(req.params))
            return await handler(call)
        except AgentServerError as exc:
            return error_response(exc)
        except Exception:
            logger.exception("unhandled error in the Agent Server API: %s %s", req.method, path)
            return json_response({"detail": "Internal Server Error"}, status=500)
