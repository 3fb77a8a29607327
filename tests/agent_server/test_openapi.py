"""The OpenAPI document describes every Agent Server route, and stays valid."""

from __future__ import annotations

import openapi_spec_validator

from azure_functions_durable_graph.agent_server.routes import build_router
from azure_functions_durable_graph.testing import LocalHost


def test_every_agent_server_route_is_in_the_valid_openapi_document(host: LocalHost) -> None:
    document = host.get("/api/openapi.json").json()

    openapi_spec_validator.validate(document)
    described = {
        (method.upper(), path.removeprefix("/langgraph"))
        for path, operations in document["paths"].items()
        if path.startswith("/langgraph/")
        for method in operations
    }
    assert described == set(build_router().templates())
