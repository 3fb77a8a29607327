"""HTTP streaming: the one adapter between the runtime's handlers and the Functions worker.

Python HTTP functions stream a response only through the
``azurefunctions-extensions-http-fastapi`` extension ("HTTP v2"): the function takes
FastAPI's ``Request`` and returns a FastAPI ``Response`` (a ``StreamingResponse`` for a
body written as it comes). Once the extension is imported, the worker treats EVERY
HTTP function of the app so (azure-functions-python-worker, ``HttpV2Registry``: the
trigger's type check and the invocation path are app-wide), so when streaming is on,
every HTTP function the runtime registers goes through `http_endpoint`, and functions
a user adds to the same app must take and return the extension's types too.

Handlers keep taking a ``func.HttpRequest`` and returning a ``func.HttpResponse``, or a
`LiveStream` (the Agent Server's SSE when streaming is on). The extension is imported
only when streaming is on (it pulls in FastAPI, Starlette and uvicorn: cold start).

No ``from __future__ import annotations``: the worker reads the endpoints' annotations.
"""

import inspect
import logging
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import azure.functions as func

logger = logging.getLogger("azure_functions_durable_graph")

#: App setting turning HTTP streaming on when ``DurableGraphApp(http_streaming=None)``.
HTTP_STREAMING_SETTING = "DURABLE_GRAPH_HTTP_STREAMING"
#: The response header saying how an SSE answer travels: ``live`` or ``buffered``.
STREAM_HEADER = "X-Durable-Graph-Stream"
EXTENSION = "azurefunctions.extensions.http.fastapi"
INSTALL_HINT = "pip install 'azure-functions-durable-graph[http-streaming]'"
#: What the Python worker reads as true in an app setting (its is_true_like).
_WORKER_TRUE = frozenset({"1", "true", "t", "yes", "y"})


@dataclass
class LiveStream:
    """A response whose body is sent chunk by chunk as `chunks` yields them."""

    chunks: AsyncIterator[bytes]
    headers: dict[str, str] = field(default_factory=dict)
    status_code: int = 200
    media_type: str = "text/event-stream"


Answer = func.HttpResponse | LiveStream


def streaming_on(flag: bool | None) -> bool:
    """`flag` if given, else the app setting (off unless ``1``/``true``/``yes``/``on``)."""
    if flag is not None:
        return flag
    return os.environ.get(HTTP_STREAMING_SETTING, "").strip().lower() in ("1", "true", "yes", "on")


def enable() -> None:
    """Import the extension (which turns HTTP v2 on for the whole app), or say what is missing."""
    try:
        __import__(EXTENSION)
    except ImportError as exc:
        raise ImportError(
            f"HTTP streaming is on ({HTTP_STREAMING_SETTING} or http_streaming=True) but "
            f"{EXTENSION} cannot be imported ({exc}); install it: {INSTALL_HINT}"
        ) from exc
    on_azure = bool(os.environ.get("WEBSITE_SITE_NAME"))
    indexing = os.environ.get("PYTHON_ENABLE_INIT_INDEXING", "").strip().lower()
    if on_azure and indexing not in _WORKER_TRUE:
        logger.error(
            "HTTP streaming needs the app setting PYTHON_ENABLE_INIT_INDEXING=1: without it "
            "the Python worker does not start the extension's HTTP server"
        )


def http_endpoint(
    name: str, handler: Callable[..., Any], *, client: bool, streaming: bool
) -> Callable[..., Any]:
    """A fresh function for one HTTP route (the SDK's decorators annotate and rename what
    they wrap): ``(req[, client])`` calling `handler` with a ``func.HttpRequest``.

    With `streaming`, the function takes the extension's Request and returns its Response;
    otherwise it takes and returns the classic types, sync when `handler` is.
    """
    endpoint = _v2_endpoint(handler, client) if streaming else _classic_endpoint(handler, client)
    endpoint.__name__ = name
    return endpoint


def _classic_endpoint(handler: Callable[..., Any], client: bool) -> Callable[..., Any]:
    if client:

        async def with_client(req: func.HttpRequest, client: Any) -> func.HttpResponse:
            return _classic(await handler(req, client))

        return with_client
    if inspect.iscoroutinefunction(handler):

        async def plain_async(req: func.HttpRequest) -> func.HttpResponse:
            return _classic(await handler(req))

        return plain_async

    def plain(req: func.HttpRequest) -> func.HttpResponse:
        return _classic(handler(req))

    return plain


def _classic(answer: Any) -> func.HttpResponse:
    if isinstance(answer, LiveStream):  # a handler's bug: it must check the app's mode
        raise TypeError("a streamed answer on an app without HTTP streaming")
    response: func.HttpResponse = answer
    return response


def _v2_endpoint(handler: Callable[..., Any], client: bool) -> Callable[..., Any]:
    from fastapi import Request, Response

    async def call(req: Any, *rest: Any) -> Any:
        answer = handler(await classic_request(req), *rest)
        if inspect.isawaitable(answer):
            answer = await answer
        return fastapi_response(answer)

    endpoint: Callable[..., Any]
    if client:

        async def with_client(req: Any, client: Any) -> Any:
            return await call(req, client)

        endpoint = with_client
        endpoint.__annotations__ = {"req": Request, "client": Any, "return": Response}
    else:

        async def plain(req: Any) -> Any:
            return await call(req)

        endpoint = plain
        endpoint.__annotations__ = {"req": Request, "return": Response}
    return endpoint


async def classic_request(req: Any) -> func.HttpRequest:
    """A FastAPI (Starlette) request as the ``func.HttpRequest`` the handlers take; the
    worker puts the route's parameters in ``path_params``."""
    return func.HttpRequest(
        method=req.method,
        url=str(req.url),
        headers=dict(req.headers),
        params=dict(req.query_params),
        route_params={k: str(v) for k, v in req.path_params.items()},
        body=await req.body(),
    )


def fastapi_response(answer: Answer) -> Any:
    """A handler's answer as the FastAPI response the extension sends."""
    from fastapi import Response
    from fastapi.responses import StreamingResponse

    if isinstance(answer, LiveStream):
        return StreamingResponse(
            answer.chunks,
            status_code=answer.status_code,
            headers=answer.headers,
            media_type=answer.media_type,
        )
    headers = {k: v for k, v in answer.headers.items() if k.lower() != "content-length"}
    return Response(
        content=answer.get_body(),
        status_code=answer.status_code,
        headers=headers,
        media_type=None if _has_type(headers) else answer.mimetype,
    )


def _has_type(headers: dict[str, str]) -> bool:
    return any(k.lower() == "content-type" for k in headers)
