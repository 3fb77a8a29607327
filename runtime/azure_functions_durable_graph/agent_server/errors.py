"""Errors in LangGraph's shape: a status code and ``{"detail": "..."}``, as its server answers."""

from __future__ import annotations

import json
from typing import Any

import azure.functions as func


class AgentServerError(Exception):
    """Raised by handlers; answered as ``{"detail": message}`` with `status`."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def not_found(detail: str) -> AgentServerError:
    return AgentServerError(404, detail)


def conflict(detail: str) -> AgentServerError:
    return AgentServerError(409, detail)


def invalid(detail: str) -> AgentServerError:
    """LangGraph answers a body or id it cannot accept with 422."""
    return AgentServerError(422, detail)


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> func.HttpResponse:
    return func.HttpResponse(
        json.dumps(body, default=str, separators=(",", ":")),
        status_code=status,
        headers=headers,
        mimetype="application/json",
    )


def error_response(error: AgentServerError) -> func.HttpResponse:
    return json_response({"detail": error.detail}, status=error.status)
