"""The Durable extension's HTTP API, which the SDK's DurableOrchestrationClient calls.

Served under `/runtime/webhooks/durabletask/` on the app port, which is
also the client's `rpcBaseUrl`. Status codes follow what the SDK accepts
(durable_functions/models/DurableOrchestrationClient.py); error bodies
keep the extension's `{"Message", "ExceptionMessage"}` shape because the
client reads `ExceptionMessage` when a start is refused.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote

from aiohttp import web

from ..errors import (
    InstanceAlreadyExists,
    InstanceNotFound,
    InstanceNotRunning,
    OrchestratorNotFound,
)
from ..store import faults as store_faults
from .durable_urls import RPC_SEGMENT, WEBHOOK_PATH, DurableUrls
from .management_requests import (
    BadRequest,
    body_text,
    error,
    flag,
    json_text,
    seconds,
    start_input,
    statuses_param,
    time_param,
)

if TYPE_CHECKING:
    from .guard import HttpGuard

logger = logging.getLogger("azure_functions_durable_graph.local")

#: The extension pages instance queries with `top` and this header, both ways.
CONTINUATION_HEADER = "x-ms-continuation-token"
RUNNING_STATUSES = frozenset({"Running", "Pending", "Suspended", "ContinuedAsNew"})


class ManagementEngine(Protocol):
    """The part of local/engine.py's Engine this API calls."""

    async def start_orchestration(
        self, name: str, input_json: str | None, instance_id: str | None = None
    ) -> str: ...
    async def raise_event(
        self, instance_id: str, event_name: str, input_json: str | None
    ) -> None: ...
    async def terminate(self, instance_id: str, reason: str) -> None: ...
    async def get_status(
        self,
        instance_id: str,
        *,
        show_input: bool = True,
        show_history: bool = False,
        show_history_output: bool = False,
    ) -> dict[str, Any] | None: ...
    async def list_statuses(
        self,
        *,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
        runtime_status: list[str] | None = None,
        instance_id_prefix: str | None = None,
    ) -> list[dict[str, Any]]: ...
    async def purge(self, instance_id: str) -> int: ...
    async def purge_many(
        self,
        *,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
        runtime_status: list[str] | None = None,
    ) -> int: ...


Handler = Callable[[web.Request, list[str]], Awaitable[web.StreamResponse]]


class ManagementApi:
    """Routes `/runtime/webhooks/durabletask/...` requests to the engine."""

    def __init__(self, engine: ManagementEngine, urls: Callable[[], DurableUrls]) -> None:
        self._engine = engine
        self._urls = urls

    @staticmethod
    def owns(path: str) -> bool:
        lowered = path.lower()
        return lowered == WEBHOOK_PATH or lowered.startswith(WEBHOOK_PATH + "/")

    async def handle(
        self, request: web.Request, guard: HttpGuard | None = None
    ) -> web.StreamResponse:
        raw = request.rel_url.raw_path[len(WEBHOOK_PATH) :].strip("/")
        parts = [unquote(p) for p in raw.split("/")] if raw else []
        path = ascii(request.path[:200])[1:-1]
        if guard is not None and guard.function_key is not None:
            # The SDK's client sends no key: its rpcBaseUrl carries it in the path instead.
            if parts[:2] == [RPC_SEGMENT, guard.function_key]:
                parts = parts[2:]
            elif not guard.has_key(request):
                return error(401, f"{path} needs the function key (serve --keys)")
        try:
            handler, allowed = self._route(request.method, parts)
            if handler is None:
                if allowed:
                    response = error(
                        405,
                        f"{request.method[:20]} is not allowed here; use {allowed}",
                        {"allowed": allowed},
                    )
                    response.headers["Allow"] = ", ".join(allowed)
                    return response
                return error(404, f"no Durable management endpoint at {path}")
            return await handler(request, parts)
        except (BadRequest, ValueError) as exc:
            return error(400, str(exc))
        except (web.HTTPException, ConnectionResetError):
            raise  # aiohttp answers these itself (e.g. 413 for a body over the size limit)
        except Exception as exc:
            if store_faults.is_transient(exc):  # nothing was stored: the client may retry
                logger.warning("Durable management request %s refused: %s", path, exc)
                response = error(503, store_faults.describe(exc))
                response.headers["Retry-After"] = "5"
                return response
            logger.exception("Durable management request %s %s failed", request.method[:20], path)
            return error(500, f"{type(exc).__name__}: {exc}")

    def _route(self, method: str, parts: list[str]) -> tuple[Handler | None, list[str]]:
        kind = parts[0].lower() if parts else ""
        table: dict[str, Handler] = {}
        n = len(parts)
        if kind == "orchestrators" and n in (2, 3):
            table = {"POST": self._start}
        elif kind == "instances" and n == 1:
            table = {"GET": self._list, "DELETE": self._purge_many}
        elif kind == "instances" and n == 2:
            table = {"GET": self._status, "DELETE": self._purge}
        elif kind == "instances" and n == 4 and parts[2].lower() == "raiseevent":
            table = {"POST": self._raise_event}
        elif kind == "instances" and n == 3:
            operation = parts[2].lower()
            if operation in ("terminate", "suspend", "resume", "rewind"):
                table = {"POST": self._operation}
            elif operation == "restart":
                table = {"POST": self._restart}
        elif kind == "entities" and n == 3:
            table = {"GET": self._read_entity, "POST": self._signal_entity}
        return table.get(method.upper()), sorted(table)

    async def _start(self, request: web.Request, parts: list[str]) -> web.StreamResponse:
        name = parts[1]
        instance_id = parts[2] if len(parts) == 3 else None
        input_json = start_input(await body_text(request))
        try:
            started = await self._engine.start_orchestration(name, input_json, instance_id)
        except OrchestratorNotFound as exc:
            return error(400, str(exc))
        except InstanceAlreadyExists as exc:
            return error(409, str(exc))
        payload = self._urls().management_urls(started)
        if "timeout" in request.query:
            done = await self._wait(request, started)
            if done is not None:
                return done
        return web.json_response(
            payload,
            status=202,
            headers={"Location": payload["statusQueryGetUri"], "Retry-After": "10"},
        )

    async def _wait(self, request: web.Request, instance_id: str) -> web.StreamResponse | None:
        """createAndWaitOnNewInstancePostUri: the output if it finishes within `timeout`."""
        timeout = seconds(request, "timeout", 0.0)
        interval = seconds(request, "pollingInterval", 1.0)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            status = await self._engine.get_status(instance_id, show_input=False)
            if status is not None and status.get("runtimeStatus") not in RUNNING_STATUSES:
                if status.get("runtimeStatus") == "Completed":
                    return web.json_response(status.get("output"), status=200)
                return web.json_response(status, status=200)
            if loop.time() >= deadline:
                return None
            await asyncio.sleep(max(0.01, min(interval, deadline - loop.time())))

    async def _status(self, request: web.Request, parts: list[str]) -> web.StreamResponse:
        instance_id = parts[1]
        status = await self._engine.get_status(
            instance_id,
            show_input=flag(request, "showInput", True),
            show_history=flag(request, "showHistory", False),
            show_history_output=flag(request, "showHistoryOutput", False),
        )
        if status is None:
            return error(404, f"no orchestration instance with id {instance_id!r}")
        runtime_status = status.get("runtimeStatus")
        if runtime_status in RUNNING_STATUSES:
            return web.json_response(
                status, status=202, headers={"Location": str(request.url), "Retry-After": "10"}
            )
        fail_with_500 = flag(request, "returnInternalServerErrorOnFailure", False)
        if runtime_status == "Failed" and fail_with_500:
            return web.json_response(status, status=500)
        return web.json_response(status, status=200)

    async def _list(self, request: web.Request, parts: list[str]) -> web.StreamResponse:
        statuses = await self._engine.list_statuses(
            created_from=time_param(request, "createdTimeFrom"),
            created_to=time_param(request, "createdTimeTo"),
            runtime_status=statuses_param(request),
            instance_id_prefix=request.query.get("instanceIdPrefix") or None,
        )
        if not flag(request, "showInput", True):
            statuses = [{k: v for k, v in s.items() if k != "input"} for s in statuses]
        token = request.headers.get(CONTINUATION_HEADER)
        top = request.query.get("top")
        if token or top:
            # Pages follow a total order on what the listing shows (the time is in seconds).
            statuses = sorted(statuses, key=_list_key)
        if token:
            after = _token_key(token)
            statuses = [s for s in statuses if _list_key(s) > after]
        headers: dict[str, str] = {}
        if top:
            if not top.isdigit() or int(top) == 0:
                raise BadRequest(f"query parameter top must be a positive integer, found {top!r}")
            if len(statuses) > int(top):
                statuses = statuses[: int(top)]
                headers[CONTINUATION_HEADER] = _key_token(_list_key(statuses[-1]))
        return web.json_response(statuses, status=200, headers=headers)

    async def _purge(self, request: web.Request, parts: list[str]) -> web.StreamResponse:
        deleted = await self._engine.purge(parts[1])
        if deleted == 0:
            return error(404, f"no orchestration instance with id {parts[1]!r}")
        return web.json_response({"instancesDeleted": deleted}, status=200)

    async def _purge_many(self, request: web.Request, parts: list[str]) -> web.StreamResponse:
        deleted = await self._engine.purge_many(
            created_from=time_param(request, "createdTimeFrom"),
            created_to=time_param(request, "createdTimeTo"),
            runtime_status=statuses_param(request),
        )
        if deleted == 0:
            return error(404, "no orchestration instance matched the purge filter")
        return web.json_response({"instancesDeleted": deleted}, status=200)

    async def _raise_event(self, request: web.Request, parts: list[str]) -> web.StreamResponse:
        instance_id, event_name = parts[1], parts[3]
        body = await body_text(request)
        # Unlike a start input, an event body is kept as it is: the SDK's
        # json.dumps(data) reaches the orchestrator as a string, raw JSON as a value.
        input_json = json_text(body, "event payload") if body.strip() else None
        try:
            await self._engine.raise_event(instance_id, event_name, input_json)
        except InstanceNotFound as exc:
            return error(404, str(exc))
        except InstanceNotRunning as exc:
            return error(410, str(exc))
        return web.Response(status=202)

    async def _operation(self, request: web.Request, parts: list[str]) -> web.StreamResponse:
        instance_id, operation = parts[1], parts[2].lower()
        reason = request.query.get("reason", "")
        if operation == "terminate":
            call: Callable[[str, str], Awaitable[Any]] | None = self._engine.terminate
        else:
            call = getattr(self._engine, operation, None)
        if call is None:
            return _not_supported(operation)
        try:
            await call(instance_id, reason)
        except InstanceNotFound as exc:
            return error(404, str(exc))
        except InstanceNotRunning as exc:
            return error(410, str(exc))
        return web.Response(status=202)

    async def _restart(self, request: web.Request, parts: list[str]) -> web.StreamResponse:
        restart = getattr(self._engine, "restart", None)
        if restart is None:
            return _not_supported("restart")
        new_id = flag(request, "restartWithNewInstanceId", True)
        try:
            instance_id = await restart(parts[1], new_instance_id=new_id)
        except InstanceNotFound as exc:
            return error(404, str(exc))
        except InstanceNotRunning as exc:
            return error(410, str(exc))
        except InstanceAlreadyExists as exc:  # same id while it still runs
            return error(409, str(exc))
        return web.json_response(str(instance_id), status=202)

    async def _read_entity(self, request: web.Request, parts: list[str]) -> web.StreamResponse:
        read = getattr(self._engine, "read_entity_state", None)
        if read is None:
            return _not_supported("read entity state")
        state = await read(parts[1].lower(), parts[2])
        if state is None:
            return error(404, f"entity @{parts[1].lower()}@{parts[2]} does not exist")
        return web.Response(status=200, text=state, content_type="application/json")

    async def _signal_entity(self, request: web.Request, parts: list[str]) -> web.StreamResponse:
        signal = getattr(self._engine, "signal_entity", None)
        if signal is None:
            return _not_supported("signal entity")
        operation = request.query.get("op", "")
        input_json = start_input(await body_text(request), "operation input")
        await signal(parts[1].lower(), parts[2], operation, input_json)
        return web.Response(status=202)


def _list_key(status: dict[str, Any]) -> tuple[str, str]:
    """Where an instance sits in the listing's order (created time, then id)."""
    return (str(status.get("createdTime", "")), str(status.get("instanceId", "")))


def _key_token(key: tuple[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def _token_key(token: str) -> tuple[str, str]:
    """The key a continuation token names; tokens are opaque to clients, so a bad one is a 400."""
    try:
        created, instance_id = json.loads(base64.urlsafe_b64decode(token.encode()))
        return (str(created), str(instance_id))
    except (ValueError, TypeError, binascii.Error):
        raise BadRequest(
            f"header {CONTINUATION_HEADER} is not a continuation token this host issued: {token!r}"
        ) from None


def _not_supported(operation: str) -> web.Response:
    return error(501, f"the local Durable host does not support {operation} yet")
