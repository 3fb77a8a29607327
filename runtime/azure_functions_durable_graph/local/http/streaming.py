"""Invoke an HTTP function the way the worker does with HTTP streaming on.

The function gets the extension's request (a FastAPI/Starlette `Request`
over the ASGI scope of asgi_bridge.py) with the route values copied in by
the extension's own synchronizer, and its other bindings as for any HTTP
function (durable client starter string, `context`, outputs). What it
returns goes back the way FastAPI returns it from the worker's catch-all
route: a Starlette `Response` (StreamingResponse included) runs as it is,
anything else is `JSONResponse(jsonable_encoder(value))` (so a `str` comes
back as a JSON string), and `None` fails the call, as the worker finds no
response for it. A failure before the status line is sent is the same 500
JSON body as for other functions; after it, the connection is closed mid-body.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from aiohttp import web
from azure.functions import _abc as func_abc

from .asgi_bridge import AsgiApp, AsgiExchange, ClientGone
from .functions import HttpFunction, HttpResult, call, failure

logger = logging.getLogger("azure_functions_durable_graph.local")


class NoResponse(TypeError):
    """The function returned None, which the worker cannot answer with."""


def as_asgi_app(value: Any, fn: HttpFunction) -> AsgiApp:
    """The Starlette response for what the function returned, as FastAPI makes it."""
    from starlette.responses import Response

    if isinstance(value, Response):
        app: AsgiApp = value
        return app
    if value is None:
        raise NoResponse(
            f"function {fn.name!r} returned None; with HTTP streaming on, Azure answers 500 "
            "for that too: return a response (StreamingResponse, JSONResponse, ...) or a value"
        )
    if isinstance(value, func_abc.HttpResponse):
        logger.warning(
            "Function %r returned a func.HttpResponse while HTTP streaming is on: Azure, and so "
            "this host, sends it as JSON of its private fields. Return a FastAPI Response "
            "(from azurefunctions.extensions.http.fastapi) instead.",
            fn.name,
        )
    from fastapi.encoders import jsonable_encoder
    from fastapi.responses import JSONResponse

    encoded: AsgiApp = JSONResponse(jsonable_encoder(value))
    return encoded


async def invoke_streaming(
    fn: HttpFunction,
    request: web.Request,
    route_params: dict[str, str],
    starter: str,
    extra_headers: list[tuple[str, str]],
) -> tuple[web.StreamResponse | HttpResult, int]:
    """Run the function and stream its response; the answer and the status it had."""
    web_extension = fn.web
    if web_extension is None:
        raise TypeError(f"function {fn.name!r} is not served by an HTTP streaming extension")
    exchange = AsgiExchange(request, await request.read(), extra_headers)
    try:
        fastapi_request = web_extension.request_type(exchange.scope, exchange.receive)
        web_extension.synchronizer.sync_route_params(fastapi_request, dict(route_params))
        value, _ = await call(fn, fastapi_request, starter)
        await exchange.run(as_asgi_app(value, fn), fn.name)
    except ClientGone:
        logger.info("Function %r: the client closed the connection mid-response", fn.name)
        exchange.abort()
        return _answered(exchange)
    except Exception as exc:
        if not exchange.started:
            return failure(fn, exc), 500
        logger.error(
            "Executed 'Functions.%s' (Failed after the response started; connection closed)\n%s",
            fn.name,
            "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip(),
        )
        exchange.abort()
        return _answered(exchange)
    return _answered(exchange)


def _answered(exchange: AsgiExchange) -> tuple[web.StreamResponse, int]:
    if exchange.response is None:  # the client left before the status line was due
        return web.Response(status=499), 499
    return exchange.response, exchange.status
