"""HTTP-triggered functions: index them and invoke them the way the Python worker does.

The worker passes arguments by binding name, gives a parameter named
`context` that is not a binding a `func.Context`, injects a durable client
binding as the *starter string* JSON (the SDK's middleware turns it into a
DurableOrchestrationClient), runs coroutines on its one event loop and
sync functions in a thread pool, and accepts a `func.HttpResponse` or a
`str` (status 200) back; anything else fails the invocation.
"""

from __future__ import annotations

import inspect
import json
import logging
import traceback
from dataclasses import dataclass, field
from typing import Any

import azure.functions as func
from azure.functions import _abc as func_abc

from ..catalog import BindingError, InvocationContext
from ..worker_loop import run_in_thread
from .http_v2 import WebExtension, check_function, refuse

logger = logging.getLogger("azure_functions_durable_graph.local")

HTTP_TRIGGER = "httpTrigger"
HTTP_OUTPUT = "http"
DURABLE_CLIENT = "durableClient"
RETURN_BINDING = "$return"


@dataclass(frozen=True)
class HttpFunction:
    """One HTTP trigger of the app, as the host indexes it."""

    name: str
    route: str
    methods: frozenset[str] | None  # None: every method
    auth_level: str
    trigger_name: str
    client_bindings: tuple[str, ...]
    output_bindings: tuple[str, ...]
    function: func.Function = field(repr=False, compare=False)
    directory: str = field(default="", compare=False)
    # The web extension that serves it (HTTP streaming), or None for func.HttpRequest.
    web: WebExtension | None = field(default=None, compare=False)

    def allows(self, method: str) -> bool:
        return self.methods is None or method.upper() in self.methods


@dataclass(frozen=True)
class HttpResult:
    """What goes back on the wire."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def _text(value: object) -> str:
    """Enum members of the decorators (HttpMethod, AuthLevel) or plain strings."""
    raw = getattr(value, "value", value)
    return str(raw)


def index_http_functions(
    functions: list[func.Function], directory: str = "", web: WebExtension | None = None
) -> list[HttpFunction]:
    """The HTTP triggers among an app's indexed functions; with `web`, every one of them is
    served by that extension, and annotations Azure would refuse stop the app."""
    result: list[HttpFunction] = []
    problems: list[str] = []
    for function in functions:
        trigger = function.get_trigger()
        if trigger is None or trigger.type != HTTP_TRIGGER:
            continue
        name = function.get_function_name() or function.get_user_function().__name__
        methods = getattr(trigger, "methods", None)
        bindings = function.get_bindings()
        problems.extend(check_function(function, name, trigger.name, web))
        result.append(
            HttpFunction(
                name=name,
                route=getattr(trigger, "route", None) or name,
                methods=frozenset(_text(m).upper() for m in methods) if methods else None,
                auth_level=_text(getattr(trigger, "auth_level", None) or "function").lower(),
                trigger_name=trigger.name,
                client_bindings=tuple(b.name for b in bindings if b.type == DURABLE_CLIENT),
                output_bindings=tuple(
                    b.name for b in bindings if b.type == HTTP_OUTPUT and b.name != RETURN_BINDING
                ),
                function=function,
                directory=directory,
                web=web,
            )
        )
    refuse(problems)
    return result


class _Out(func.Out[Any]):
    """An http output binding passed as a parameter (`func.Out[func.HttpResponse]`)."""

    def __init__(self) -> None:
        self._value: Any = None

    def set(self, val: Any) -> None:
        self._value = val

    def get(self) -> Any:
        return self._value


def _arguments(
    fn: HttpFunction, request: object, starter: str
) -> tuple[dict[str, Any], dict[str, _Out]]:
    kwargs: dict[str, Any] = {}
    outs: dict[str, _Out] = {}
    bound = {b.name: b.type for b in fn.function.get_bindings()}
    signature = inspect.signature(fn.function.get_user_function())
    for name, param in signature.parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if name == fn.trigger_name:
            kwargs[name] = request
        elif name in fn.client_bindings:
            kwargs[name] = starter
        elif name in fn.output_bindings:
            outs[name] = kwargs[name] = _Out()
        elif name == "context" and name not in bound:
            kwargs[name] = InvocationContext(fn.name, fn.directory)
        elif param.default is not param.empty:
            continue
        elif name in bound:
            raise BindingError(
                f"parameter {name!r} is bound to a {bound[name]!r} binding, which the local "
                "host does not emulate (it passes the HTTP request, durable clients, http "
                "outputs and context)"
            )
        else:
            raise BindingError(
                f"parameter {name!r} matches no binding of function {fn.name!r}; "
                f"bindings are {sorted(bound)}"
            )
    return kwargs, outs


def _from_response(value: object, fn: HttpFunction) -> HttpResult:
    if isinstance(value, str):
        return HttpResult(200, [("Content-Type", "text/plain; charset=utf-8")], value.encode())
    if isinstance(value, func_abc.HttpResponse):
        status = int(value.status_code)
        if not 100 <= status <= 599:
            # aiohttp would put it on the wire as is; no HTTP client can read that.
            raise ValueError(
                f"function {fn.name!r} returned status_code {status}; expected 100 to 599"
            )
        headers = [(str(k), str(v)) for k, v in value.headers.items()]
        if not any(k.lower() == "content-type" for k, _ in headers):
            mimetype: str = value.mimetype
            charset: str = value.charset
            text = mimetype.startswith("text/")
            headers.append(("Content-Type", f"{mimetype}; charset={charset}" if text else mimetype))
        return HttpResult(status, headers, value.get_body() or b"")
    raise TypeError(
        f"function {fn.name!r} returned {type(value).__name__}; expected func.HttpResponse or str"
    )


def error_result(status: int, code: str, message: str, details: Any = None) -> HttpResult:
    """A JSON error body in the shape every local-host error uses (the graph API's too)."""
    body = json.dumps({"error": {"code": code, "message": message, "details": details}}).encode()
    return HttpResult(status, [("Content-Type", "application/json; charset=utf-8")], body)


async def call(fn: HttpFunction, request: object, starter: str) -> tuple[Any, dict[str, _Out]]:
    """Bind the arguments around `request` and run the function as the worker does."""
    kwargs, outs = _arguments(fn, request, starter)
    user = fn.function.get_user_function()
    if inspect.iscoroutinefunction(user):
        return await user(**kwargs), outs
    return await run_in_thread(user, **kwargs), outs


def failure(fn: HttpFunction, exc: BaseException) -> HttpResult:
    """A failed call: the traceback on the console, a 500 JSON body for the caller."""
    logger.error(
        "Executed 'Functions.%s' (Failed)\n%s",
        fn.name,
        "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip(),
    )
    return error_result(
        500, "function_failed", f"Function {fn.name!r} failed: {type(exc).__name__}: {exc}"
    )


async def invoke(fn: HttpFunction, request: func.HttpRequest, starter: str) -> HttpResult:
    """Run one HTTP function; a failure becomes a 500 JSON body and a logged traceback."""
    try:
        value, outs = await call(fn, request, starter)
        if value is None:
            for out in outs.values():
                if out.get() is not None:
                    value = out.get()
                    break
        if value is None:  # nothing returned and no output set
            return HttpResult(204, [], b"")
        return _from_response(value, fn)
    except Exception as exc:
        return failure(fn, exc)
