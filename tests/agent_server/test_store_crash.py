"""Kill `durable-graph serve` with SIGKILL; after a restart on the same store every item is there.

Items put by LangGraph's client and by a node in a run are both on disk before
their request or run is answered, so a crash right after loses neither.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from langgraph_sdk import get_sync_client

from tests.agent_server.store_hosts import APP
from tests.helpers import eventually

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/health", timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def serve(store: Path, log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = _free_port()
    command = [sys.executable, "-m", "azure_functions_durable_graph", "serve", str(APP)]
    command += ["--port", str(port), "--store", str(store)]
    with log.open("ab") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=os.environ)
    url = f"http://127.0.0.1:{port}"
    try:
        eventually(lambda: process.poll() is not None or _answers(url), timeout=30)
        assert process.poll() is None, f"serve exited:\n{log.read_text()}"
        yield url, process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def _json(url: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


def _run_to_completion(url: str, graph: str, graph_input: dict[str, Any]) -> None:
    started = _json(f"{url}/api/graphs/{graph}/runs", {"input": graph_input})
    status_url = f"{url}/api/runs/{started['instance_id']}"
    finished = eventually(
        lambda: (run := _json(status_url))["status"] in ("Completed", "Failed") and run,
        timeout=30,
    )
    assert finished["status"] == "Completed", finished


def test_items_survive_sigkill_of_the_local_host(tmp_path: Path) -> None:
    store, log = tmp_path / "hub.sqlite3", tmp_path / "serve.log"

    with serve(store, log) as (url, process):
        with get_sync_client(url=f"{url}/api/langgraph", api_key=None) as client:
            for n in range(20):
                client.store.put_item(["crash", "client"], f"k{n}", {"n": n})
        _run_to_completion(url, "remember", {"user": "crash", "text": "written by a node"})
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    with (
        serve(store, log) as (url, _),
        get_sync_client(url=f"{url}/api/langgraph", api_key=None) as client,
    ):
        kept = client.store.search_items(["crash", "client"], limit=100)["items"]
        by_node = client.store.search_items(["notes", "crash"])["items"]

    assert sorted(i["value"]["n"] for i in kept) == list(range(20))
    assert [i["value"] for i in by_node] == [{"text": "written by a node"}]
