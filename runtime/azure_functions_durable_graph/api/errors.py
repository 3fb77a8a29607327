"""HTTP errors: one exception type and the one JSON body every error response uses."""

from __future__ import annotations

import json
from typing import Any

import azure.functions as func

#: How much of a user-supplied string goes into a message or a log line.
SHOWN_CHARS = 80


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """`value` for a message: repr-escaped (NUL, newlines) and cut to `limit` characters.

    Ids and names come from the request; echoing 5,000 characters or control
    bytes into messages and logs helps nobody and can forge log lines.
    """
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}... ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= limit + 2 else f"{text[:limit]}... ({len(text)} characters)"


class ApiError(Exception):
    """Raised inside handlers; turned into ``{"error": {"code", "message", "details"}}``."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> func.HttpResponse:
    return func.HttpResponse(
        json.dumps(body, default=str),
        status_code=status,
        headers=headers,
        mimetype="application/json",
    )


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The one error shape of the HTTP API (and of every error `serve` answers)."""
    return {"error": {"code": code, "message": message, "details": details}}


def error_response(error: ApiError) -> func.HttpResponse:
    return json_response(error_body(error.code, error.message, error.details), status=error.status)
