"""Local hosts serving the store app (apps/store_app) on each store backend.

`sqlite`: the local host's default, a SQLite file beside its own store.
`azure-tables`: the app setting DURABLE_GRAPH_STORE=azure-tables with
AzureWebJobsStorage pointing at Azurite's table service.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from langgraph_sdk import get_sync_client
from langgraph_sdk.client import SyncLangGraphClient

from azure_functions_durable_graph.testing import LocalHost
from tests.agent_server.azurite import azurite_tables

APP = Path(__file__).parent / "apps" / "store_app"
BACKENDS = ["sqlite", "azure-tables"]


@contextmanager
def app_settings(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def store_host(backend: str, folder: Path, app: Path = APP) -> Iterator[LocalHost]:
    """A LocalHost on a store file in `folder`, its LangGraph store on `backend`."""
    if backend == "sqlite":
        with LocalHost(app, store=folder / "hub.sqlite3") as host:
            yield host
        return
    with azurite_tables() as connection:
        settings = {"DURABLE_GRAPH_STORE": "azure-tables", "AzureWebJobsStorage": connection}
        with app_settings(settings), LocalHost(app, store=folder / "hub.sqlite3") as host:
            yield host


def client_of(host: LocalHost) -> SyncLangGraphClient:
    """LangGraph's own Python client, pointed at the host's Agent Server API."""
    return get_sync_client(url=f"{host.base_url}/api/langgraph", api_key=None)
