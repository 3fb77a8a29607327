"""The same client script against `langgraph dev` (LangGraph's own server) and the local host.

`make langgraph-dev-venv` installs `langgraph-cli[inmem]` in build/venv-langgraph-dev (its
pins stay out of .venv); `make test-fast` builds it first.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from langgraph_sdk import get_sync_client

from azure_functions_durable_graph.testing import LocalHost
from tests.agent_server.conftest import AGENT_APP
from tests.agent_server.scenario import run_scenario
from tests.helpers import eventually
from tests.soak.serving import free_port

ROOT = Path(__file__).parents[2]
LANGGRAPH_CLI = ROOT / "build" / "venv-langgraph-dev" / "bin" / "langgraph"


@pytest.fixture(scope="module")
def langgraph_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`langgraph dev` on the test graphs, on loopback, no browser, no tracing."""
    if not LANGGRAPH_CLI.exists():
        pytest.fail(f"{LANGGRAPH_CLI} is missing: run `make langgraph-dev-venv`")
    app = tmp_path_factory.mktemp("langgraph-dev") / "app"
    shutil.copytree(AGENT_APP, app, ignore=shutil.ignore_patterns(".langgraph_api", "__pycache__"))
    port = free_port()
    log = app / "langgraph-dev.log"
    env = {**os.environ, "LANGSMITH_TRACING": "false", "LANGCHAIN_TRACING_V2": "false"}
    with log.open("wb") as output:
        server = subprocess.Popen(
            [
                str(LANGGRAPH_CLI),
                "dev",
                "--no-browser",
                "--no-reload",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=app,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        eventually(lambda: server.poll() is not None or _answers(url), timeout=120, interval=0.2)
        assert server.poll() is None, log.read_text()
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/ok", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def transcript(url: str) -> dict[str, object]:
    with get_sync_client(url=url, api_key=None) as client, httpx.Client(base_url=url) as http:
        return run_scenario(client, http)


def test_the_local_host_answers_the_client_script_as_langgraph_dev_does(
    langgraph_dev: str, host: LocalHost
) -> None:
    expected = transcript(langgraph_dev)
    actual = transcript(f"{host.base_url}/api/langgraph")

    differing = {
        k: {"langgraph": v, "here": actual.get(k)}
        for k, v in expected.items()
        if actual.get(k) != v
    }
    assert not differing, json.dumps(differing, indent=1, default=str)
    assert actual == expected
