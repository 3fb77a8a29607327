"""Serve the run inspector under /_inspector/ on the local host's port.

The page is static: it reads and drives runs through the app's own graph HTTP API,
so it shows exactly what a client of that API would see. It answers loopback clients
only (403 otherwise), even when `serve --host 0.0.0.0` exposes the app itself.
"""

from __future__ import annotations

import html
import ipaddress

from aiohttp import web

from .assets import MERMAID_GZ, read

PATH = "/_inspector"
_FILES = {
    "app.js": "application/javascript",
    "threads.js": "application/javascript",
    "app.css": "text/css",
}


def owns(path: str) -> bool:
    return path == PATH or path.startswith(PATH + "/")


def _is_local(request: web.Request) -> bool:
    remote = request.remote or ""
    try:
        return ipaddress.ip_address(remote.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _error(status: int, code: str, message: str) -> web.Response:
    body = {"error": {"code": code, "message": message, "details": None}}
    return web.json_response(body, status=status)


async def handle(request: web.Request, route_prefix: str) -> web.StreamResponse:
    """Answer a request for /_inspector or below."""
    if not _is_local(request):
        return _error(403, "forbidden", "the run inspector answers requests from this machine only")
    if request.method not in ("GET", "HEAD"):
        return _error(405, "method_not_allowed", "the run inspector only serves GET")
    name = request.path[len(PATH) :].lstrip("/")
    if request.path == PATH:
        raise web.HTTPFound(PATH + "/")
    if name == "":
        return _index(route_prefix)
    if name == "mermaid.min.js":
        return _mermaid(request)
    if name in _FILES:
        return web.Response(
            body=read(name),
            content_type=_FILES[name],
            headers={"Cache-Control": "no-cache"},
        )
    return _error(404, "not_found", f"the run inspector has no {request.path}")


def _index(route_prefix: str) -> web.Response:
    api = "/" + route_prefix.strip("/") if route_prefix.strip("/") else ""
    page = read("index.html").decode("utf-8").replace("{{API_BASE}}", html.escape(api))
    return web.Response(text=page, content_type="text/html", headers={"Cache-Control": "no-cache"})


def _mermaid(request: web.Request) -> web.Response:
    """The bundle as stored (gzip) when the browser accepts it; decompressed otherwise."""
    headers = {"Cache-Control": "max-age=86400", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return web.Response(
            body=read(MERMAID_GZ), content_type="application/javascript", headers=headers
        )
    from .assets import mermaid_js

    return web.Response(text=mermaid_js(), content_type="application/javascript", headers=headers)
