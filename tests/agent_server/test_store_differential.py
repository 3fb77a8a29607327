"""The store script (store_scenario.py) against `langgraph dev` and against the local host.

`make langgraph-dev-venv` installs `langgraph-cli[inmem]` in build/venv-langgraph-dev;
`make test-fast` builds it first.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from langgraph_sdk import get_sync_client

from tests.agent_server.langgraph_dev import assert_same_answers, langgraph_dev
from tests.agent_server.store_hosts import APP, BACKENDS, store_host
from tests.agent_server.store_scenario import run_store_scenario

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The script's answers from `langgraph dev`, run once on its fresh store."""
    with langgraph_dev(APP, tmp_path_factory.mktemp("langgraph-dev")) as url:
        return transcript(url)


def transcript(url: str) -> dict[str, object]:
    with get_sync_client(url=url, api_key=None) as client, httpx.Client(base_url=url) as http:
        return run_store_scenario(client, http)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_store_answers_the_script_as_langgraph_dev_does(
    expected: dict[str, object], backend: str, tmp_path: Path
) -> None:
    with store_host(backend, tmp_path) as host:
        actual = transcript(f"{host.base_url}/api/langgraph")

    assert_same_answers(expected, actual)
