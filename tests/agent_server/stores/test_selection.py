"""Which store an app gets, from its settings; and errors that name the setting to fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from langgraph.runtime import Runtime
from langgraph.store.memory import InMemoryStore

from azure_functions_durable_graph.agent_server.stores.azure_tables import AzureTableStore
from azure_functions_durable_graph.agent_server.stores.for_nodes import AppStore, with_app_store
from azure_functions_durable_graph.agent_server.stores.selection import (
    StoreConfigError,
    StoreProvider,
)
from azure_functions_durable_graph.agent_server.stores.serving import serving
from azure_functions_durable_graph.agent_server.stores.sqlite import LocalSqliteStore


def test_the_local_host_gets_sqlite_beside_its_own_store(tmp_path: Path) -> None:
    provider = StoreProvider(environ={"DURABLE_GRAPH_LOCAL_STORE": str(tmp_path / "hub.sqlite3")})

    store = provider.get()

    assert isinstance(store, LocalSqliteStore)
    assert (tmp_path / "hub.langgraph-store.sqlite3").exists()
    assert (tmp_path / "hub.langgraph-store.sqlite3").stat().st_mode & 0o077 == 0


def test_an_in_memory_local_host_gets_an_in_memory_sqlite_store() -> None:
    provider = StoreProvider(environ={"DURABLE_GRAPH_LOCAL_STORE": ":memory:"})

    assert provider.describe() == "sqlite :memory:"
    assert isinstance(provider.get(), LocalSqliteStore)


def test_elsewhere_the_default_is_the_azure_table_store_on_azurewebjobsstorage() -> None:
    provider = StoreProvider(environ={"AzureWebJobsStorage": "UseDevelopmentStorage=true"})

    store = provider.get()

    assert isinstance(store, AzureTableStore)
    assert "127.0.0.1:10002" in store._service.url  # Azurite's default table endpoint


def test_without_a_connection_string_the_error_names_the_setting() -> None:
    provider = StoreProvider(environ={})

    with pytest.raises(StoreConfigError, match="AzureWebJobsStorage"):
        provider.get()


def test_another_setting_may_hold_the_connection_string() -> None:
    provider = StoreProvider(
        environ={"DURABLE_GRAPH_STORE_CONNECTION": "MemoryStorage", "AzureWebJobsStorage": "x"}
    )

    with pytest.raises(StoreConfigError, match="MemoryStorage"):
        provider.get()


@pytest.mark.parametrize(
    ("setting", "kind"),
    [("memory", InMemoryStore), ("sqlite", LocalSqliteStore), ("azure-tables", AzureTableStore)],
)
def test_the_app_setting_chooses_the_store(
    setting: str, kind: type, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    environ = {"DURABLE_GRAPH_STORE": setting, "AzureWebJobsStorage": "UseDevelopmentStorage=true"}

    assert isinstance(StoreProvider(environ=environ).get(), kind)


def test_a_sqlite_setting_may_name_its_file(tmp_path: Path) -> None:
    file = tmp_path / "memories.sqlite3"

    StoreProvider(environ={"DURABLE_GRAPH_STORE": f"sqlite:{file}"}).get()

    assert file.exists()


def test_an_unknown_store_setting_is_refused_when_the_app_is_built() -> None:
    with pytest.raises(StoreConfigError, match="'postgres'"):
        StoreProvider(environ={"DURABLE_GRAPH_STORE": "postgres"})


def test_a_store_given_to_the_app_wins_over_settings() -> None:
    mine = InMemoryStore()

    assert StoreProvider(mine, environ={"DURABLE_GRAPH_STORE": "sqlite"}).get() is mine


def test_a_node_gets_the_store_only_inside_the_apps_activity() -> None:
    mine = InMemoryStore()
    provider = StoreProvider(mine)

    assert with_app_store(Runtime()).store is None
    with serving(provider):
        store = with_app_store(Runtime()).store
    assert isinstance(store, AppStore)
    store.put(("n",), "k", {"v": 1})
    assert mine.get(("n",), "k") is not None


def test_a_store_that_cannot_open_fails_only_the_node_that_uses_it() -> None:
    broken = StoreProvider(environ={})  # Azure tables without a connection string
    with serving(broken):
        runtime = with_app_store(Runtime())  # opening nothing yet

    assert runtime.store is not None
    with pytest.raises(StoreConfigError, match="AzureWebJobsStorage"):
        runtime.store.get(("n",), "k")
