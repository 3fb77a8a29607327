"""HTTP errors: one exception type and the one JSON body every error response uses."""

from __future__ import annotations

import json
from typing import Any

import azure.functions as func


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


def error_response(error: ApiError) -> func.HttpResponse:
    body = {"error": {"code": error.code, "message": error.message, "details": error.details}}
    return json_response(body, status=error.status)
