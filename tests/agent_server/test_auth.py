"""Auth: the app's function keys by default; LangGraph's x-api-key when the app sets one."""

from __future__ import annotations

import pytest
from langgraph_sdk import get_sync_client
from langgraph_sdk.errors import AuthenticationError

from azure_functions_durable_graph.testing import LocalHost
from tests.agent_server.conftest import AGENT_APP


def test_with_an_api_key_set_the_api_wants_langgraphs_x_api_key_header(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AGENT_APP_AUTH_LEVEL", "FUNCTION")
    monkeypatch.setenv("DURABLE_GRAPH_LANGGRAPH_API_KEY", "s3cret")
    with LocalHost(AGENT_APP, store=":memory:", function_key="function-key") as host:
        url = f"{host.base_url}/api/langgraph"
        with get_sync_client(url=url, api_key="s3cret") as client:
            assert client.threads.create()["status"] == "idle"
        with (
            get_sync_client(url=url, api_key="wrong") as client,
            pytest.raises(AuthenticationError, match="x-api-key"),
        ):
            client.threads.create()
        with get_sync_client(url=url, api_key=None) as client, pytest.raises(AuthenticationError):
            client.assistants.search()
        # The graph API keeps the function key.
        assert host.get("/api/graphs").status == 401


def test_without_one_the_function_key_guards_it_as_every_route(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AGENT_APP_AUTH_LEVEL", "FUNCTION")
    monkeypatch.delenv("DURABLE_GRAPH_LANGGRAPH_API_KEY", raising=False)
    with LocalHost(AGENT_APP, store=":memory:", function_key="function-key") as host:
        url = f"{host.base_url}/api/langgraph"
        with get_sync_client(url=url, api_key=None) as client, pytest.raises(AuthenticationError):
            client.threads.create()
        headers = {"x-functions-key": "function-key"}
        with get_sync_client(url=url, api_key=None, headers=headers) as client:
            assert client.threads.create()["status"] == "idle"
