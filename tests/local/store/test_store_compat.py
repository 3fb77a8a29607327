"""A store written by the 0.1.0 local host opens and reads with today's store classes.

tests/compat/recorded_v010/store.sqlite3 holds two runs left in flight by 0.1.0: one
waiting for an event, one waiting for an event under a durable deadline (a timer).
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from azure_functions_durable_graph.local.store.store import Store

RECORDED = Path(__file__).resolve().parents[2] / "compat" / "recorded_v010" / "store.sqlite3"


@pytest.fixture
def recorded(tmp_path: Path) -> Path:
    copy = tmp_path / "store.sqlite3"
    shutil.copy2(RECORDED, copy)  # opening a store may write WAL files: never the recording
    return copy


def schema(path: Path | str) -> dict[str, str]:
    with closing(sqlite3.connect(path)) as conn:  # a Connection's own `with` does not close it
        rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
    return dict(rows)


def test_the_schema_is_the_one_0_1_0_wrote(recorded: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.sqlite3"
    Store(fresh).close()

    assert schema(fresh) == schema(recorded)


def test_runs_in_flight_read_back(recorded: Path) -> None:
    with Store(recorded) as store:
        instances = {record.instance_id: record for record in store.list_instances()}
        timer = store.next_timer()
        histories = {name: store.history(name) for name in instances}
        played = store.played_history("deadline-waiting")

    assert {name: record.status for name, record in instances.items()} == {
        "approval-waiting": "Running",
        "deadline-waiting": "Running",
    }
    assert instances["approval-waiting"].name == "durable_graph_orchestrator"
    assert timer is not None and timer.instance_id == "deadline-waiting"
    assert all(events and events[0]["EventType"] == 12 for events in histories.values())
    assert len(played) == len(histories["deadline-waiting"])
    assert all('"IsPlayed": true' in event for event in played)


def test_a_recorded_run_can_be_deleted_with_everything_it_owns(recorded: Path) -> None:
    with Store(recorded) as store:
        assert store.delete_instance("deadline-waiting") == 1
        assert store.next_timer() is None
        assert store.history("deadline-waiting") == []
        assert [r.instance_id for r in store.list_instances()] == ["approval-waiting"]
