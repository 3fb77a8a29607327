"""One aiohttp request as an ASGI HTTP connection, for the responses of streaming functions.

On Azure a streaming function's request reaches the worker's uvicorn server
and its response goes back through it, chunk by chunk. Here the aiohttp
request becomes an ASGI scope (the path as sent, under root path ""), the
body already read (so the 100 MB limit applies as to every function) is the
one `http.request` message, and every `http.response.body` chunk is written
to an aiohttp StreamResponse as it comes: nothing is buffered. A client that
goes away ends the response: `receive()` answers `http.disconnect`, and the
response task is cancelled even if it never asks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import unquote

from aiohttp import web
from multidict import CIMultiDict

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiApp = Callable[[Message, Receive, Send], Awaitable[None]]

logger = logging.getLogger("azure_functions_durable_graph.local")

DISCONNECT_POLL_SECONDS = 0.05  # how soon a client that left is noticed
_HOP_HEADERS = frozenset({b"transfer-encoding", b"connection", b"keep-alive"})


class ClientGone(ConnectionResetError):
    """The client closed the connection before the response ended."""


def _address(pair: Any) -> list[Any] | None:
    if isinstance(pair, tuple) and len(pair) >= 2:
        return [str(pair[0]), int(pair[1])]
    return None


def build_scope(request: web.Request) -> Message:
    """The ASGI scope uvicorn would build for the request the host proxies to the worker."""
    transport = request.transport
    raw_path = request.rel_url.raw_path
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": f"{request.version.major}.{request.version.minor}",
        "method": request.method,
        "scheme": request.scheme,
        "path": unquote(raw_path),
        "raw_path": raw_path.encode("latin-1", "replace"),
        "query_string": request.rel_url.raw_query_string.encode("latin-1", "replace"),
        "root_path": "",
        "headers": [(name.lower(), value) for name, value in request.raw_headers],
        "client": _address(transport.get_extra_info("peername") if transport else None),
        "server": _address(transport.get_extra_info("sockname") if transport else None),
        "path_params": {},
        "state": {},
    }


class AsgiExchange:
    """Drives one ASGI response app into an aiohttp StreamResponse."""

    def __init__(
        self, request: web.Request, body: bytes, extra_headers: list[tuple[str, str]]
    ) -> None:
        self.scope = build_scope(request)
        self.request = request
        self.response: web.StreamResponse | None = None  # set at http.response.start
        self.status = 0
        self._body: bytes | None = body
        self._extra_headers = extra_headers
        self._ended = False
        self._gone = asyncio.Event()

    @property
    def started(self) -> bool:
        """Whether bytes may have reached the client (no error status can follow)."""
        return self.response is not None and self.response.prepared

    def client_gone(self) -> bool:
        transport = self.request.transport
        return transport is None or transport.is_closing()

    async def receive(self) -> Message:
        if self._body is not None:
            body, self._body = self._body, None
            return {"type": "http.request", "body": body, "more_body": False}
        await self._gone.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        kind = message.get("type")
        if kind == "http.response.start":
            await self._start(message)
            return
        if kind != "http.response.body":
            raise RuntimeError(f"unexpected ASGI message {kind!r} in an HTTP response")
        if self.response is None:
            raise RuntimeError("the response sent its body before http.response.start")
        if self._ended:
            raise RuntimeError("the response sent a body after its last chunk")
        chunk = bytes(message.get("body", b""))
        self._ended = not message.get("more_body", False)
        if self.client_gone():
            raise ClientGone("the client closed the connection")
        if chunk and self.request.method != "HEAD":
            await self.response.write(chunk)  # on the socket now: aiohttp does not hold chunks
        if self._ended:
            await self.response.write_eof()

    async def _start(self, message: Message) -> None:
        """Status line and headers go out at once, as uvicorn sends them on Azure."""
        if self.response is not None:
            raise RuntimeError("the response was started twice")
        status = int(message["status"])
        if not 100 <= status <= 599:  # aiohttp would send it; no client could read it
            raise ValueError(f"the response has status {status}; expected 100 to 599")
        headers: CIMultiDict[str] = CIMultiDict()
        for name, value in message.get("headers", ()):
            if bytes(name).lower() not in _HOP_HEADERS:
                headers.add(bytes(name).decode("latin-1"), bytes(value).decode("latin-1"))
        for name, value in self._extra_headers:
            headers.setdefault(name, value)
        if self.client_gone():
            raise ClientGone("the client closed the connection")
        self.status = status
        self.response = web.StreamResponse(status=status, headers=headers)
        await self.response.prepare(self.request)  # a StreamResponse sends its headers now

    async def run(self, app: AsgiApp, name: str) -> None:
        """Run `app` to its end; stop it when the client leaves. Its errors propagate."""
        task = asyncio.ensure_future(app(self.scope, self.receive, self.send))
        task.set_name(f"http-stream:{name}")
        watcher = asyncio.ensure_future(self._watch())
        try:
            await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
            if not task.done():  # the client left first
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
                raise ClientGone("the client closed the connection")
            if task.exception() is not None and self.client_gone():
                raise ClientGone("the client closed the connection") from task.exception()
            task.result()
            if self.response is None:
                raise RuntimeError("the function's response sent nothing (no http.response.start)")
            if not self._ended:  # the app returned without its last chunk
                await self.send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            watcher.cancel()
            if not task.done():  # this handler itself was cancelled
                task.cancel()

    async def _watch(self) -> None:
        while not self.client_gone():
            await asyncio.sleep(DISCONNECT_POLL_SECONDS)
        self._gone.set()
        # receive() answers http.disconnect now; give the app a moment to end on its own.
        await asyncio.sleep(DISCONNECT_POLL_SECONDS)

    def abort(self) -> None:
        """Close the connection mid-response: the client sees the body cut, not completed."""
        transport = self.request.transport
        if transport is not None:
            transport.close()
