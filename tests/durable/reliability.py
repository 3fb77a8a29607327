"""Shared fixture and helpers for the tests of tests/durable/apps/reliability."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from azure_functions_durable_graph.testing import LocalHost
from tests.api.local_apps import run_status, serve
from tests.helpers import eventually

APP = Path(__file__).parent / "apps" / "reliability"


@pytest.fixture(scope="module")
def host() -> Iterator[LocalHost]:
    with serve(APP) as running:
        yield running


def until(host: LocalHost, links: dict[str, Any], check: Callable[[dict[str, Any]], Any]) -> dict:
    """Poll the run's status until `check(run)` is truthy; returns the run."""

    def checked() -> dict[str, Any] | None:
        run = run_status(host, links)
        return run if check(run) else None

    return eventually(checked)


def post(host: LocalHost, links: dict[str, Any], suffix: str, body: Any) -> tuple[int, Any]:
    response = host.post(f"{links['status_url']}/{suffix}", json=body)
    return response.status, response.json()


def gate(tmp_path: Path, name: str = "gate") -> tuple[str, Callable[[], None]]:
    """A gate file path for the state, and the function that opens it."""
    path = tmp_path / name
    return str(path), lambda: path.write_text("open", encoding="utf-8")
