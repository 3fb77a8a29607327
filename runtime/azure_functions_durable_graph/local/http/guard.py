"""Local security for `serve`: which hosts, origins and (with --keys) callers it answers.

`serve` runs on developers' machines, where any web page can make the
browser send requests to 127.0.0.1. DNS rebinding reaches the port under a
foreign host name, and a cross-origin "simple" POST needs no preflight. So
the app port answers only host names it listens on (loopback names by
default), refuses state-changing requests from another site (`Origin` or
`Sec-Fetch-Site`, cross_site.py), and, when started with keys, wants the
function key like Azure does.
"""

from __future__ import annotations

import hmac
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from aiohttp import web

from .cross_site import Cors, is_foreign
from .functions import HttpResult, error_result

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
_WILDCARDS = frozenset({"", "0.0.0.0", "::"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
KEY_HEADER = "x-functions-key"
KEY_QUERY = "code"


def default_allowed_hosts(bind_host: str) -> frozenset[str]:
    """Loopback names, the bound address, and this machine's name when bound to all."""
    names = set(LOOPBACK_NAMES)
    if bind_host in _WILDCARDS:
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    else:
        names.add(bind_host.lower().strip("[]"))
    return frozenset(names)


def _hostname(authority: str) -> str | None:
    """'Example.com:7071' -> 'example.com', '[::1]:80' -> '::1'; None when unreadable."""
    try:
        parsed = urlsplit(f"//{authority}")
        name = parsed.hostname
        parsed.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    return name.rstrip(".") if name else None


@dataclass(frozen=True)
class HttpGuard:
    """Checks one request before any route sees it; None means it may go on."""

    allowed_hosts: frozenset[str]
    function_key: str | None = field(default=None, repr=False)
    cors: Cors = field(default_factory=Cors)

    def check_origin(self, request: web.Request) -> HttpResult | None:
        host_header = request.headers.get("Host", "")
        name = _hostname(host_header)
        if name is None or name not in self.allowed_hosts:
            return error_result(
                400,
                "host_not_allowed",
                f"host {host_header[:100]!r} is not one this server answers; allowed: "
                + ", ".join(sorted(self.allowed_hosts)),
            )
        if request.method.upper() in SAFE_METHODS or not self.is_foreign(request):
            return None
        origin = request.headers.get("Origin")
        shown = f"origin {origin[:100]!r}" if origin is not None else "another site"
        return error_result(
            403,
            "origin_not_allowed",
            f"{request.method[:20]} from {shown} is refused: a page on another "
            "site may not change state on this local server",
        )

    def is_foreign(self, request: web.Request) -> bool:
        """Sent by a page on another origin that local.settings.json Host.CORS does not list."""
        return is_foreign(request, self.allowed_hosts, self.cors)

    def has_key(self, request: web.Request) -> bool:
        """Whether the request carries the function key (always, when keys are off)."""
        if self.function_key is None:
            return True
        given = request.headers.get(KEY_HEADER) or request.query.get(KEY_QUERY) or ""
        return hmac.compare_digest(given.encode(), self.function_key.encode())


def key_required(status_path: str) -> HttpResult:
    return error_result(
        401,
        "key_required",
        f"{status_path[:100]} needs the function key (serve --keys): pass it as ?code=KEY or "
        "in the x-functions-key header",
    )
