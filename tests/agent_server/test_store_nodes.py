"""LangGraph nodes reach the app's store, and what they write is what the store routes read.

The three ways LangGraph hands a node its store: `runtime.store`, a `store`
argument (here in an async node, with the async methods) and `get_store()`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from langgraph_sdk.client import SyncLangGraphClient

from azure_functions_durable_graph.testing import LocalHost
from tests.agent_server.store_hosts import BACKENDS, client_of, store_host


@pytest.fixture(scope="module", params=BACKENDS)
def host(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalHost]:
    with store_host(request.param, tmp_path_factory.mktemp(request.param)) as local_host:
        yield local_host


@pytest.fixture
def client(host: LocalHost) -> Iterator[SyncLangGraphClient]:
    with client_of(host) as langgraph_client:
        yield langgraph_client


@pytest.fixture
def user() -> str:
    return f"u{uuid.uuid4().hex[:10]}"


def run(host: LocalHost, graph: str, graph_input: dict[str, Any]) -> dict[str, Any]:
    started = host.post(f"/api/graphs/{graph}/runs", json={"input": graph_input})
    assert started.status == 202, started.text
    status = host.wait_for_status(started.json()["instance_id"], timeout=30)
    assert status["runtimeStatus"] == "Completed", status
    state: dict[str, Any] = status["output"]["state"]
    return state


def test_what_a_node_puts_through_runtime_store_a_client_reads_back(
    host: LocalHost, client: SyncLangGraphClient, user: str
) -> None:
    first = run(host, "remember", {"user": user, "text": "likes tea"})
    second = run(host, "remember", {"user": user, "text": "lives in London"})

    assert first["seen"] == []
    assert second["seen"] == ["likes tea"]
    items = client.store.search_items(["notes", user])["items"]
    assert sorted(i["value"]["text"] for i in items) == ["likes tea", "lives in London"]


def test_an_async_node_uses_the_store_argument(
    host: LocalHost, client: SyncLangGraphClient, user: str
) -> None:
    state = run(host, "remember_async", {"user": user, "text": "prefers email"})

    assert state["seen"] == ["prefers email"]
    assert client.store.get_item(["notes", user], "latest")["value"] == {"text": "prefers email"}


def test_a_node_reads_with_get_store_what_a_client_put(
    host: LocalHost, client: SyncLangGraphClient, user: str
) -> None:
    client.store.put_item(["profiles"], user, {"name": "Ada Lovelace"})

    state = run(host, "recall", {"user": user})

    assert state["seen"] == ["Ada Lovelace"]
