"""A real `durable-graph serve` child process on a free port, for the soak suites."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.helpers import eventually

SAMPLE_APP = Path(__file__).parents[1] / "api" / "apps" / "sample"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def call(method: str, url: str, body: Any = None, timeout: float = 60) -> tuple[int, Any]:
    """One JSON request; (status, decoded body)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    try:
        with _OPENER.open(request, timeout=timeout) as reply:
            text = reply.read()
            return reply.status, json.loads(text) if text else None
    except urllib.error.HTTPError as failed:
        with failed:
            text = failed.read()
        return failed.code, json.loads(text) if text else None


def _answers(base_url: str) -> bool:
    try:
        return (
            call("GET", f"{base_url}/runtime/webhooks/durabletask/instances", timeout=1)[0] == 200
        )
    except OSError:
        return False


@contextmanager
def serve(
    app: Path, store: Path | None, log: Path, *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`python -m azure_functions_durable_graph serve APP`; killed at exit if still alive."""
    port = free_port()
    command = [sys.executable, "-m", "azure_functions_durable_graph", "serve", str(app)]
    command += ["--port", str(port), *args]
    command += ["--store", str(store)] if store is not None else ["--in-memory"]
    with log.open("ab") as output:
        process = subprocess.Popen(
            command, env={**os.environ, **(env or {})}, stdout=output, stderr=subprocess.STDOUT
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        eventually(lambda: process.poll() is not None or _answers(base_url), timeout=60)
        assert process.poll() is None, f"serve exited with {process.returncode}:\n{log.read_text()}"
        yield base_url, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        process.wait(timeout=10)
