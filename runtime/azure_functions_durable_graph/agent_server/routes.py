"""The route table of the Agent Server API: ``(method, "/threads/{thread_id}/runs")`` -> handler.

Modules contribute routes through a ``register(router)`` function listed in
`CONTRIBUTING_MODULES`. A feature may instead register its own Functions routes under
``langgraph/...`` (the store does): literal routes take precedence over this package's
catch-all, on Azure as on the local host.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ..http_streaming import Answer
from .errors import AgentServerError

if TYPE_CHECKING:
    from .server import Call

Handler = Callable[["Call"], Awaitable[Answer]]

#: Modules of this package exposing ``register(router: Router) -> None``, in order.
CONTRIBUTING_MODULES: tuple[str, ...] = ("assistants", "threads", "runs")


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler


class Router:
    """Literal routes are tried before parameterised ones (``/threads/search`` before
    ``/threads/{thread_id}``), as LangGraph's server does."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, template: str, handler: Handler) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        self.routes.append(Route(method, template, re.compile(f"^{regex}/?$"), handler))
        self.routes.sort(key=lambda r: (r.template.count("{"), -len(r.template)))

    def match(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        allowed = False
        for route in self.routes:
            found = route.pattern.match(path)
            if found is None:
                continue
            if route.method == method:
                return route.handler, {k: unquote(v) for k, v in found.groupdict().items()}
            allowed = True
        if allowed:
            raise AgentServerError(405, "Method Not Allowed")
        raise AgentServerError(404, "Not Found")

    def templates(self) -> list[tuple[str, str]]:
        return [(r.method, r.template) for r in self.routes]


def build_router(*modules: str) -> Router:
    router = Router()
    for name in modules or CONTRIBUTING_MODULES:
        module: Any = importlib.import_module(f"{__package__}.{name}")
        module.register(router)
    return router
