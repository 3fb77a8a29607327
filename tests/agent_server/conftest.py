"""One local host per module serving the Agent Server test graphs, and LangGraph's client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from langgraph_sdk import get_sync_client
from langgraph_sdk.client import SyncLangGraphClient

from azure_functions_durable_graph.testing import LocalHost

AGENT_APP = Path(__file__).parent / "apps" / "agent_app"


@pytest.fixture(scope="module")
def host() -> Iterator[LocalHost]:
    with LocalHost(AGENT_APP, store=":memory:") as local_host:
        yield local_host


@pytest.fixture(scope="module")
def client(host: LocalHost) -> Iterator[SyncLangGraphClient]:
    """LangGraph's own Python client, pointed at the app's /api/langgraph."""
    with get_sync_client(url=f"{host.base_url}/api/langgraph", api_key=None) as langgraph:
        yield langgraph
