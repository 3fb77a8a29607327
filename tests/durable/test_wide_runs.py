"""Wide supersteps keep the run's custom status under Azure's 16 KB, and reading a parent
costs the same however many subgraph children it has (apps/wide)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from azure_functions_durable_graph.api import durable_calls
from azure_functions_durable_graph.testing import LocalHost
from tests.api.local_apps import run_status, serve, start_run, wait_for_run
from tests.helpers import eventually

APP = Path(__file__).parent / "apps" / "wide"
AZURE_LIMIT = 16 * 1024
TASK_SCHEDULED, SUB_ORCHESTRATION_CREATED = 4, 7


@pytest.fixture(scope="module")
def host() -> Iterator[LocalHost]:
    with serve(APP) as running:
        yield running


def custom_status_bytes(host: LocalHost, instance_id: str) -> int:
    status = host.status(instance_id) or {}
    return len(json.dumps(status.get("customStatus")))


def scheduled(host: LocalHost, links: dict[str, Any], kind: int, count: int) -> None:
    """Wait until `count` tasks of `kind` are in the run's history: the superstep is in flight."""
    history = lambda: host.history(links["instance_id"])  # noqa: E731
    eventually(lambda: sum(e["EventType"] == kind for e in history()) >= count, timeout=60)


def test_2000_sends_keep_the_status_under_16_kb_with_counts(host: LocalHost, tmp_path: Path):
    gate = tmp_path / "gate"
    links = start_run(host, "many_sends", {"count": 2000, "gate": str(gate)})
    scheduled(host, links, TASK_SCHEDULED, 2000)
    run = run_status(host, links)

    size = custom_status_bytes(host, links["instance_id"])
    gate.write_text("open", encoding="utf-8")
    done = wait_for_run(host, links, timeout=120)

    assert size < AZURE_LIMIT, size
    assert run["truncated"] is True and run["counts"]["active"] == 2000
    assert run["active"] == ["summarize_document"] * 50
    assert done["status"] == "Completed", done["error"]
    assert sorted(done["output"]["done"]) == list(range(2000))


def test_reading_a_parent_asks_for_the_status_of_the_children_it_shows_only(
    host: LocalHost, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    gate = tmp_path / "gate"
    links = start_run(host, "many_children", {"count": 300, "gate": str(gate)})
    scheduled(host, links, SUB_ORCHESTRATION_CREATED, 300)
    asked: list[str] = []
    real = durable_calls.current_status

    async def counted(client: Any, instance_id: str) -> Any:
        asked.append(instance_id)
        return await real(client, instance_id)

    monkeypatch.setattr(durable_calls, "current_status", counted)
    run = run_status(host, links)
    monkeypatch.undo()
    size = custom_status_bytes(host, links["instance_id"])
    gate.write_text("open", encoding="utf-8")
    done = wait_for_run(host, links, timeout=120)

    assert size < AZURE_LIMIT, size
    assert len(run["children"]) == 50 and run["counts"]["children"] == 300
    assert len(asked) == 1 + 50  # the parent, then each child it shows
    assert all(child["status"] == "Running" for child in run["children"])
    assert done["status"] == "Completed", done["error"]
    assert sorted(done["output"]["done"]) == list(range(300))
