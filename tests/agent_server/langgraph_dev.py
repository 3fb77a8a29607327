"""`langgraph dev` (LangGraph's own server) on a copy of a test app: the reference side of
the differential tests. `make langgraph-dev-venv` installs it in build/venv-langgraph-dev."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import eventually
from tests.soak.serving import free_port

ROOT = Path(__file__).parents[2]
LANGGRAPH_CLI = ROOT / "build" / "venv-langgraph-dev" / "bin" / "langgraph"


@contextmanager
def langgraph_dev(source_app: Path, workdir: Path) -> Iterator[str]:
    """Serve `source_app` (copied into `workdir`) on loopback, no browser, no tracing."""
    if not LANGGRAPH_CLI.exists():
        pytest.fail(f"{LANGGRAPH_CLI} is missing: run `make langgraph-dev-venv`")
    app = workdir / "app"
    shutil.copytree(source_app, app, ignore=shutil.ignore_patterns(".langgraph_api", "__pycache__"))
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


def assert_same_answers(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    """Every answer of `langgraph dev` (`expected`) is ours too; the message shows both
    sides of each one that differs, by key."""
    differing = {
        k: {"langgraph": v, "here": actual.get(k)}
        for k, v in expected.items()
        if actual.get(k) != v
    }
    assert not differing, json.dumps(differing, indent=1, default=str)
