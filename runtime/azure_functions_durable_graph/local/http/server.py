"""The aiohttp application on the app port: HTTP triggers plus the Durable API.

Like `func start`, it needs no function keys unless started with keys.
Every request first passes the `HttpGuard` (host names, origins, keys).
The management API under `/runtime/webhooks/durabletask/` is matched first
(the real host reserves `/runtime`), then the app's routes under the route
prefix; anything else is a JSON 404, a known route with another method a
JSON 405, and whatever aiohttp itself refuses (a body over the limit, a path
it cannot route) is turned into the same JSON error shape.
"""

from __future__ import annotations

import errno
import logging
import time
from collections.abc import Awaitable, Callable

import azure.functions as func
from aiohttp import web
from multidict import CIMultiDict

from ...inspector import server as inspector
from ..errors import LocalHostError
from .cross_site import Cors, answer_preflight, foreign_refused, is_preflight
from .functions import HttpFunction, HttpResult, error_result, invoke
from .guard import HttpGuard, default_allowed_hosts, key_required
from .management_api import ManagementApi
from .routes import Router
from .streaming import invoke_streaming

logger = logging.getLogger("azure_functions_durable_graph.local")

MAX_BODY_BYTES = 100 * 1024 * 1024  # the Functions host's default request limit
_HOP_HEADERS = frozenset({"content-length", "transfer-encoding", "connection"})


def _shown_path(request: web.Request) -> str:
    """The path for messages and logs: escaped and cut, since it is the client's text."""
    path = request.path
    text = ascii(path)[1:-1]
    return text if len(text) <= 200 else f"{text[:200]}..."


@web.middleware
async def _json_errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """aiohttp's own refusals (404 for an unroutable path, 413 for a body over the
    limit, ...) in the one JSON error shape instead of plain text."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        if exc.status == 413:
            code, message = "request_too_large", f"request body is over {MAX_BODY_BYTES} bytes"
            details: object = {"max_bytes": MAX_BODY_BYTES}
        else:
            code, message, details = "http_error", f"{exc.reason} ({_shown_path(request)})", None
            if exc.status == 404:
                code = "not_found"
        response = _response(error_result(exc.status, code, message, details))
        if "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response


class PortInUseError(LocalHostError, OSError):
    """The address the host was asked to listen on is taken."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        super().__init__(
            f"port {port} on {host} is already in use; stop the other process or pick another "
            "port (--port)"
        )


def _response(result: HttpResult) -> web.Response:
    headers: CIMultiDict[str] = CIMultiDict()
    for name, value in result.headers:
        if name.lower() not in _HOP_HEADERS:
            headers.add(name, value)
    return web.Response(status=result.status, body=result.body, headers=headers)


def _joined(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Repeated headers or query keys arrive comma-joined, as ASP.NET hands them on."""
    merged: dict[str, str] = {}
    for key, value in pairs:
        merged[key] = f"{merged[key]},{value}" if key in merged else value
    return merged


def _strip_prefix(path: str, prefix: str) -> str | None:
    """The path below the route prefix, or None when the prefix does not match."""
    if not prefix:
        return path
    segments = [s for s in path.split("/") if s]
    wanted = [s.lower() for s in prefix.split("/") if s]
    if [s.lower() for s in segments[: len(wanted)]] != wanted:
        return None
    return "/".join(segments[len(wanted) :])


class AppServer:
    """Serves one app; `start()` binds the socket, `stop()` frees it."""

    def __init__(
        self,
        functions: list[HttpFunction],
        *,
        route_prefix: str,
        management: ManagementApi,
        starter: Callable[[], str],
        host: str = "127.0.0.1",
        port: int = 0,
        allowed_hosts: frozenset[str] | None = None,
        function_key: str | None = None,
        cors: Cors | None = None,
    ) -> None:
        self._router: Router[HttpFunction] = Router()
        for fn in functions:
            self._router.add(fn.route, fn)
        self._prefix = route_prefix.strip("/")
        self._management = management
        self._starter = starter
        self._host = host
        self._requested_port = port
        hosts = allowed_hosts if allowed_hosts is not None else default_allowed_hosts(host)
        self.guard = HttpGuard(frozenset(h.lower() for h in hosts), function_key, cors or Cors())
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    def url_for(self, fn: HttpFunction, origin: str) -> str:
        """The URL `func start` prints for a function."""
        path = "/".join(p for p in (self._prefix, fn.route.strip("/")) if p)
        return f"{origin}/{path}"

    async def start(self) -> int:
        app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[_json_errors])
        # (?s): a path with an encoded newline (%0A) is still a path to answer.
        app.router.add_route("*", "/{tail:(?s:.*)}", self._dispatch)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._requested_port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            if exc.errno == errno.EADDRINUSE:
                raise PortInUseError(self._host, self._requested_port) from exc
            raise
        self._runner = runner
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1]) if sockets else self._requested_port
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        refused = self.guard.check_origin(request)
        if refused is not None:
            return _response(refused)
        if is_preflight(request):  # answered here, as Core Tools does: never a function call
            return _response(answer_preflight(request, self.guard.cors))
        response = await self._route(request)
        if not response.prepared:  # a streamed response got them with its status line
            for name, value in self.guard.cors.headers(request.headers.get("Origin")):
                response.headers.setdefault(name, value)
        return response

    async def _route(self, request: web.Request) -> web.StreamResponse:
        raw_path = request.rel_url.raw_path
        if self._management.owns(raw_path):
            return await self._management.handle(request, self.guard)
        if inspector.owns(raw_path):
            return await inspector.handle(request, self._prefix)
        below = _strip_prefix(raw_path, self._prefix)
        matches = list(self._router.match(below)) if below is not None else []
        path = _shown_path(request)
        if not matches:
            return _response(error_result(404, "not_found", f"no function serves {path}"))
        for fn, route_params in matches:
            if fn.allows(request.method):
                if fn.methods is None and self.guard.is_foreign(request):
                    what = f"function {fn.name!r} accepts every method (no methods=)"
                    return _response(foreign_refused(request, what))
                if fn.auth_level != "anonymous" and not self.guard.has_key(request):
                    return _response(key_required(path))
                return await self._call(fn, route_params, request)
        allowed = sorted({m for fn, _ in matches for m in (fn.methods or ())})
        response = _response(
            error_result(
                405,
                "method_not_allowed",
                f"{request.method[:20]} {path} is not allowed; allowed: {', '.join(allowed)}",
                {"allowed": allowed},
            )
        )
        response.headers["Allow"] = ", ".join(allowed)
        return response

    async def _call(
        self, fn: HttpFunction, route_params: dict[str, str], request: web.Request
    ) -> web.StreamResponse:
        started = time.perf_counter()
        if fn.web is not None:  # HTTP streaming: the response may already be on the wire
            cors = self.guard.cors.headers(request.headers.get("Origin"))
            answer, status = await invoke_streaming(
                fn, request, route_params, self._starter(), cors
            )
            response = answer if isinstance(answer, web.StreamResponse) else _response(answer)
        else:
            http_request = func.HttpRequest(
                method=request.method,
                url=str(request.url),
                headers=_joined(list(request.headers.items())),
                params=_joined(list(request.query.items())),
                route_params=route_params,
                body=await request.read(),
            )
            result = await invoke(fn, http_request, self._starter())
            response, status = _response(result), result.status
        logger.info(
            "Executed 'Functions.%s' (%s %s -> %d, %.0f ms)",
            fn.name,
            request.method,
            _shown_path(request),
            status,
            (time.perf_counter() - started) * 1000,
        )
        return response
