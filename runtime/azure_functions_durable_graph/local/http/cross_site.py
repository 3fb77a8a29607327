"""What a page on another site can make the browser send, and how the local host answers it.

A page cannot read a cross-site response without CORS, but it can still make
requests with effects: an ``<img>`` or a navigation sends a GET, a form sends a
POST, and ``fetch`` with a non-simple request sends a CORS preflight (OPTIONS)
first. So the host:

- answers every preflight itself, never passing it to a function: with the CORS
  headers when ``local.settings.json`` ``Host.CORS`` lists the page's origin (as
  Core Tools does), else with a 403 the browser reads as "not allowed";
- treats a request as foreign when its ``Origin`` is another site, or when the
  browser says so in ``Sec-Fetch-Site`` (``cross-site`` or ``same-site``: another
  port on the same host is another origin); ``none`` (typed URL) and
  ``same-origin`` (the inspector) are not foreign, nor is a request without either
  header (curl, the SDK, scripts);
- lets an origin listed in ``Host.CORS`` through, and adds the CORS headers to
  its responses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from .functions import HttpResult, error_result

FOREIGN_FETCH_SITES = frozenset({"cross-site", "same-site"})
PREFLIGHT_HEADER = "Access-Control-Request-Method"


@dataclass(frozen=True)
class Cors:
    """``Host.CORS`` (comma-separated origins, or ``*``) and ``Host.CORSCredentials``."""

    origins: frozenset[str] = frozenset()
    credentials: bool = False

    def allows(self, origin: str | None) -> bool:
        if not origin or origin == "null":
            return False
        return "*" in self.origins or origin.rstrip("/").lower() in self.origins

    def headers(self, origin: str | None) -> list[tuple[str, str]]:
        """The CORS headers of a response to `origin` (none when it is not listed)."""
        if origin is None or not self.allows(origin):
            return []
        shown = "*" if "*" in self.origins and not self.credentials else origin
        headers = [("Access-Control-Allow-Origin", shown), ("Vary", "Origin")]
        if self.credentials:
            headers.append(("Access-Control-Allow-Credentials", "true"))
        return headers


def read_cors(app_dir: Path) -> Cors:
    """`Host.CORS` / `Host.CORSCredentials` of `<app_dir>/local.settings.json` (none if absent)."""
    path = app_dir / "local.settings.json"
    if not path.is_file():
        return Cors()
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return Cors()  # settings.py reports an unreadable file when it loads the Values
    host = data.get("Host") if isinstance(data, dict) else None
    if not isinstance(host, Mapping):
        return Cors()
    raw = host.get("CORS")
    origins = raw.split(",") if isinstance(raw, str) else []
    return Cors(
        origins=frozenset(o.strip().rstrip("/").lower() for o in origins if o.strip()),
        credentials=host.get("CORSCredentials") is True,
    )


def _own_origin(origin: str, allowed_hosts: frozenset[str], own_port: int | None) -> bool:
    parsed = urlsplit(origin)
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
    except ValueError:
        return False
    return (
        parsed.scheme in ("http", "https")
        and (parsed.hostname or "") in allowed_hosts
        and port == own_port
    )


def is_foreign(request: web.Request, allowed_hosts: frozenset[str], cors: Cors) -> bool:
    """Whether a page on another origin sent `request` (and Host.CORS does not list it)."""
    origin = request.headers.get("Origin")
    if cors.allows(origin):
        return False
    if origin is not None and not _own_origin(origin, allowed_hosts, request.url.port):
        return True
    return request.headers.get("Sec-Fetch-Site", "").lower() in FOREIGN_FETCH_SITES


def is_preflight(request: web.Request) -> bool:
    return request.method.upper() == "OPTIONS" and PREFLIGHT_HEADER in request.headers


def answer_preflight(request: web.Request, cors: Cors) -> HttpResult:
    """The host's answer to a CORS preflight; functions never see one."""
    origin = request.headers.get("Origin")
    if not cors.allows(origin):
        return error_result(
            403,
            "origin_not_allowed",
            f"preflight from origin {str(origin)[:100]!r} is refused: local.settings.json "
            "Host.CORS does not list it",
        )
    headers = [
        *cors.headers(origin),
        ("Access-Control-Allow-Methods", request.headers.get(PREFLIGHT_HEADER, "")[:100]),
        ("Access-Control-Max-Age", "600"),
    ]
    wanted = request.headers.get("Access-Control-Request-Headers")
    if wanted:
        headers.append(("Access-Control-Allow-Headers", wanted[:1000]))
    return HttpResult(204, headers, b"")


def foreign_refused(request: web.Request, what: str) -> HttpResult:
    return error_result(
        403,
        "origin_not_allowed",
        f"{request.method[:20]} from another site is refused: {what}. A page on another site "
        "may not call it; list the page's origin in local.settings.json Host.CORS to allow it",
    )
