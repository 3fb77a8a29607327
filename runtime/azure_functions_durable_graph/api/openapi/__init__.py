"""The OpenAPI 3.1 document of the HTTP API, built on request (never at cold start).

One family of helpers (schema.py) builds every piece; the fixed paths (paths.py),
the schemas they use (components.py), the runs list (runs.py), a run's steps
(steps.py) and each graph's start path (graphs.py) are assembled here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...graph.manifest import GraphRegistration
from .components import COMMON_SCHEMAS
from .graphs import add_graph
from .paths import fixed_paths
from .runs import add_runs_list
from .schema import path_param
from .steps import add_steps

OPENAPI_VERSION = "3.1.0"


def build_openapi(
    registrations: Sequence[GraphRegistration], *, server_url: str = "/api"
) -> dict[str, Any]:
    """The whole document for the graphs registered now."""
    from ... import __version__

    schemas: dict[str, Any] = dict(COMMON_SCHEMAS)
    paths = fixed_paths()
    _event_names(paths, registrations)
    add_runs_list(paths, schemas)
    add_steps(paths, schemas, path_param("instance_id", "The run's instance id"))
    for registration in registrations:
        add_graph(paths, schemas, registration)
    from ...agent_server.openapi import add_agent_server

    add_agent_server(paths, schemas)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Durable graph API",
            "version": __version__,
            "description": "Start, inspect, signal and cancel graph runs on Durable Functions.",
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _event_names(paths: dict[str, Any], registrations: Sequence[GraphRegistration]) -> None:
    """Event names are a fixed set (every graph's handlers): an enum, so others are invalid."""
    names = sorted({e for r in registrations for e in r.manifest.event_handlers})
    # No graph takes events: no name is valid (an empty enum is not allowed).
    schema = {"type": "string", "enum": names} if names else {"type": "string", "not": {}}
    for param in paths["/runs/{instance_id}/events/{event_name}"]["post"]["parameters"]:
        if param["name"] == "event_name":
            param["schema"] = schema
