"""Run `durable-graph` the way a user does: as a subprocess, reading its exit code and output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "api" / "apps" / "features"


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DURABLE_GRAPH_URL", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def durable_graph(
    *args: str, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m azure_functions_durable_graph ARGS` with stdin closed and output piped;
    `env`: settings added to the environment."""
    return subprocess.run(
        [sys.executable, "-m", "azure_functions_durable_graph", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        env={**cli_env(), **(env or {})},
    )


@pytest.fixture
def app_dir() -> Path:
    return APP
