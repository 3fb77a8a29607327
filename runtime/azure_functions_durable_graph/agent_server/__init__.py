"""LangGraph's Agent Server API, served from durable runs (docs/agent-server-api.md).

`register_agent_server` adds one HTTP function (``{routePrefix}/langgraph/{*path}``) and
the thread entities to a blueprint; everything else is imported on the first request,
so a deployed app's cold start does not pay for it.
"""

from __future__ import annotations

from .functions import AGENT_SERVER_ROUTE, register_agent_server

__all__ = ["AGENT_SERVER_ROUTE", "register_agent_server"]
