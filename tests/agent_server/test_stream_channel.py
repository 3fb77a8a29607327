"""The stream channel on each store backend: SQLite beside the local host's store, and
Azure Table Storage (Azurite) as on Azure. A node's custom writes and a chat model's
tokens reach LangGraph's client, and stay out of the clients' store items."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from azure.data.tables import TableServiceClient

from azure_functions_durable_graph.testing import LocalHost
from tests.agent_server.conftest import AGENT_APP
from tests.agent_server.store_hosts import BACKENDS, client_of, store_host

CONNECTION = "AzureWebJobsStorage"


@pytest.fixture(scope="module", params=BACKENDS)
def backend_host(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path, LocalHost]]:
    folder = tmp_path_factory.mktemp(f"stream-{request.param}")
    with store_host(str(request.param), folder, app=AGENT_APP) as host:
        yield str(request.param), folder, host


def test_custom_and_token_events_travel_through_the_apps_storage(
    backend_host: tuple[str, Path, LocalHost],
) -> None:
    backend, folder, host = backend_host
    with client_of(host) as client:
        streamed = [
            (p.event, p.data)
            for p in client.runs.stream(
                None,
                "streamer",
                input={"messages": [{"role": "user", "content": "a b"}]},
                stream_mode=["custom", "messages-tuple"],
            )
        ]
        namespaces = client.store.list_namespaces()

    assert [data for name, data in streamed if name == "custom"] == [
        {"done": n, "of": 3} for n in (1, 2, 3)
    ]
    tokens = [data[0]["content"] for name, data in streamed if name == "messages"]
    assert tokens == ["a ", "b ", "", "a b"]
    assert namespaces == {"namespaces": []}  # the channel keeps a table / file of its own
    if backend == "sqlite":
        assert (folder / "hub.langgraph-store.Stream.sqlite3").exists()
    else:
        service = TableServiceClient.from_connection_string(os.environ[CONNECTION])
        table = service.get_table_client("LangGraphStoreStream")
        assert len(list(table.list_entities())) == 3 + 4
