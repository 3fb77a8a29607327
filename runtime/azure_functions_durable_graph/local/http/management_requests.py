"""Reading management API requests: query flags, times, statuses, bodies, and errors.

Error bodies keep the extension's `{"Message", "ExceptionMessage"}` keys,
which the SDK's client reads when a start is refused, and add the `error`
object every other answer of `serve` has.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from typing import Any

from aiohttp import web

RUNTIME_STATUSES = (
    "Running",
    "Pending",
    "Completed",
    "Failed",
    "Terminated",
    "ContinuedAsNew",
    "Canceled",
    "Suspended",
)
#: Bodies may nest this deep (the graph API's limit); deeper exhausts recursion.
MAX_JSON_DEPTH = 64
MAX_MESSAGE_CHARS = 300
_CODES = {400: "bad_request", 401: "key_required", 404: "not_found", 405: "method_not_allowed"}
_CODES |= {409: "conflict", 410: "gone", 500: "internal_error", 501: "not_supported"}
_CODES |= {503: "unavailable"}


def error(status: int, message: str, details: Any = None) -> web.Response:
    """The extension's keys (the client reads `ExceptionMessage`) and `serve`'s error object."""
    if len(message) > MAX_MESSAGE_CHARS:  # ids in it come from the request
        message = f"{message[:MAX_MESSAGE_CHARS]}... ({len(message)} characters)"
    body = {
        "error": {"code": _CODES.get(status, "error"), "message": message, "details": details},
        "Message": message,
        "ExceptionMessage": message,
    }
    return web.json_response(body, status=status)


class BadRequest(Exception):
    """Input the API cannot accept; becomes a 400."""


def _reject_constant(name: str) -> Any:
    raise BadRequest(f"{name} is not valid JSON (numbers must be finite)")


def loads(text: str, what: str) -> Any:
    """Parse JSON; invalid text, NaN/Infinity and nesting past MAX_JSON_DEPTH are a 400."""
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise BadRequest(f"the {what} must be JSON: {exc}") from None
    except RecursionError:
        raise BadRequest(f"the {what} nests deeper than {MAX_JSON_DEPTH} levels") from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise BadRequest(f"the {what} nests deeper than {MAX_JSON_DEPTH} levels")
    return value


def _depth(value: Any) -> int:
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack and deepest <= MAX_JSON_DEPTH:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth + 1)
            stack.extend((child, depth + 1) for child in children)
    return deepest


def flag(request: web.Request, name: str, default: bool) -> bool:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise BadRequest(f"query parameter {name} must be true or false, found {raw!r}")


def time_param(request: web.Request, name: str) -> datetime | None:
    raw = request.query.get(name)
    if not raw:
        return None
    text = raw.strip().replace(" ", "+")  # an unencoded '+' in a query arrives as a space
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BadRequest(
            f"query parameter {name} must be an ISO 8601 time like 2025-01-01T00:00:00Z, "
            f"found {raw!r}"
        ) from None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def statuses_param(request: web.Request) -> list[str] | None:
    raw = request.query.get("runtimeStatus")
    if not raw:
        return None
    canonical = {s.lower(): s for s in RUNTIME_STATUSES}
    result: list[str] = []
    for part in raw.split(","):
        name = canonical.get(part.strip().lower())
        if name is None:
            raise BadRequest(
                f"runtimeStatus {part.strip()!r} is not a runtime status; expected any of "
                + ", ".join(RUNTIME_STATUSES)
            )
        result.append(name)
    return result


def seconds(request: web.Request, name: str, default: float) -> float:
    """A finite, non-negative number of seconds (nan or inf would poll forever)."""
    raw = request.query.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise BadRequest(
            f"query parameter {name} must be a non-negative number of seconds, found {raw!r}"
        )
    return value


async def body_text(request: web.Request) -> str:
    """The request body as text; the API only takes UTF-8 JSON."""
    data = await request.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(
            f"the request body must be UTF-8 JSON text; byte {exc.start} is not UTF-8"
        ) from None


def json_text(body: str, what: str) -> str:
    loads(body, what)
    return body


def start_input(body: str, what: str = "orchestration input") -> str | None:
    """The input's JSON text from a start or entity-signal request body.

    The SDK client sends the input's JSON text JSON-encoded once more (a JSON
    string), which the extension parses back into that text; curl users post
    the JSON value itself. Both mean the same input.
    """
    if body.strip() == "":
        return None
    value = loads(body, what)
    if isinstance(value, str):
        try:
            loads(value, what)
        except BadRequest:
            return json.dumps(value)
        return value
    return json.dumps(value)
