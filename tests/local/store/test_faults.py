"""A full disk (SQLite's max_page_count) neither fails nor strands runs: writes are retried
until the store has room, and requests that could not be stored are refused with 503."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from azure_functions_durable_graph.local.store.store import Store
from azure_functions_durable_graph.testing import LocalHost
from tests.api.local_apps import FEATURES_APP, wait_for_run
from tests.helpers import eventually


def disk_full(store: Store, full: bool) -> None:
    """Cap the database at its current size (full), or lift the cap."""
    pages = 1 if full else 2**30  # SQLite raises a cap below the current size to that size
    with store._db.lock:
        store._db.conn.execute(f"PRAGMA max_page_count = {pages}")


def test_runs_accepted_while_the_disk_is_full_finish_once_it_has_room_without_a_restart(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.WARNING)
    with LocalHost(FEATURES_APP, store=tmp_path / "store.sqlite3") as host:
        before = host.post("/api/graphs/my_graph/runs", json={"input": {"message": "before"}})
        assert before.status == 202
        disk_full(host.engine.store, True)
        answers = [
            host.post("/api/graphs/my_graph/runs", json={"input": {"message": f"m{i}" * 400}})
            for i in range(6)
        ]
        eventually(lambda: "disk is full" in caplog.text)  # the engine met the full disk
        disk_full(host.engine.store, False)

        accepted = [before.json()] + [a.json() for a in answers if a.status == 202]
        runs = [wait_for_run(host, links) for links in accepted]
        refused = [a for a in answers if a.status != 202]

    assert [run["status"] for run in runs] == ["Completed"] * len(runs), [r["error"] for r in runs]
    for answer in refused:
        assert answer.status == 503, answer.text
        assert "free disk space" in answer.json()["error"]["message"]
