"""The store script (store_scenario.py) against `langgraph dev` and against the local host.

`make langgraph-dev-venv` installs `langgraph-cli[inmem]` in build/venv-langgraph-dev;
`make test-fast` builds it first.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from langgraph_sdk import get_sync_client

from tests.agent_server.store_hosts import APP, BACKENDS, store_host
from tests.agent_server.store_scenario import run_store_scenario
from tests.helpers import eventually
from tests.soak.serving import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[2]
LANGGRAPH_CLI = ROOT / "build" / "venv-langgraph-dev" / "bin" / "langgraph"


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The script's answers from `langgraph dev`, run once on its fresh store."""
    with langgraph_dev(tmp_path_factory) as url:
        return transcript(url)


@contextmanager
def langgraph_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`langgraph dev` on the store app's graph, on loopback, no browser, no tracing."""
    if not LANGGRAPH_CLI.exists():
        pytest.fail(f"{LANGGRAPH_CLI} is missing: run `make langgraph-dev-venv`")
    app = tmp_path_factory.mktemp("langgraph-dev") / "app"
    shutil.copytree(APP, app, ignore=shutil.ignore_patterns(".langgraph_api", "__pycache__"))
    port = free_port()
    log = app / "langgraph-dev.log"
    env = {**os.environ, "LANGSMITH_TRACING": "false", "LANGCHAIN_TRACING_V2": "false"}
    command = [str(LANGGRAPH_CLI), "dev", "--no-browser", "--no-reload"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as output:
        server = subprocess.Popen(
            command, cwd=app, env=env, stdout=output, stderr=subprocess.STDOUT
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
        return run_store_scenario(client, http)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_store_answers_the_script_as_langgraph_dev_does(
    expected: dict[str, object], backend: str, tmp_path: Path
) -> None:
    with store_host(backend, tmp_path) as host:
        actual = transcript(f"{host.base_url}/api/langgraph")

    differing = {
        k: {"langgraph": v, "here": actual.get(k)}
        for k, v in expected.items()
        if actual.get(k) != v
    }
    assert not differing, json.dumps(differing, indent=1, default=str)
