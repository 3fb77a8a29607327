"""The same client script against `langgraph dev` (LangGraph's own server) and the local host.

`make langgraph-dev-venv` installs `langgraph-cli[inmem]` in build/venv-langgraph-dev (its
pins stay out of .venv); `make test-fast` builds it first.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from langgraph_sdk import get_sync_client

from azure_functions_durable_graph.testing import LocalHost
from tests.agent_server.conftest import AGENT_APP
from tests.agent_server.langgraph_dev import assert_same_answers
from tests.agent_server.langgraph_dev import langgraph_dev as serve_langgraph_dev
from tests.agent_server.modes_scenario import run_modes_scenario
from tests.agent_server.scenario import run_scenario


@pytest.fixture(scope="module")
def langgraph_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`langgraph dev` on the test graphs."""
    with serve_langgraph_dev(AGENT_APP, tmp_path_factory.mktemp("langgraph-dev")) as url:
        yield url


def transcript(url: str) -> dict[str, object]:
    with get_sync_client(url=url, api_key=None) as client, httpx.Client(base_url=url) as http:
        return run_scenario(client, http)


def test_the_local_host_answers_the_client_script_as_langgraph_dev_does(
    langgraph_dev: str, host: LocalHost
) -> None:
    expected = transcript(langgraph_dev)
    actual = transcript(f"{host.base_url}/api/langgraph")

    assert_same_answers(expected, actual)
    assert actual == expected


def test_the_superstep_stream_modes_are_langgraph_devs(langgraph_dev: str, host: LocalHost) -> None:
    """tasks, checkpoints, debug and stream_subgraphs (tests/agent_server/modes_scenario.py)."""
    with get_sync_client(url=langgraph_dev, api_key=None) as client:
        expected = run_modes_scenario(client)
    with get_sync_client(url=f"{host.base_url}/api/langgraph", api_key=None) as client:
        actual = run_modes_scenario(client)

    assert all(expected["ids"].values()), expected["ids"]  # the property holds for LangGraph
    assert_same_answers(expected, actual)
