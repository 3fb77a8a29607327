"""The SQLite store: schema, atomic transactions, WAL files, filters."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from azure_functions_durable_graph.local.store.records import InstanceRecord
from azure_functions_durable_graph.local.store.store import Store


def _record(
    instance_id: str, created_at: str = "2025-01-01T00:00:00.000000Z", status: str = "Running"
) -> InstanceRecord:
    return InstanceRecord(
        instance_id=instance_id,
        name="orch",
        execution_id="e1",
        status=status,
        input='"x"',
        created_at=created_at,
        updated_at=created_at,
        state={"next_seq": 0},
    )


_open: list[Store] = []


@pytest.fixture(autouse=True)
def _close_stores() -> Iterator[None]:
    """Python 3.13 warns about sqlite3 connections that are never closed."""
    yield
    while _open:
        _open.pop().close()


def _memory_store() -> Store:
    store = Store(":memory:")
    _open.append(store)
    return store


def test_file_store_uses_wal_and_keeps_data_across_connections(tmp_path: Path) -> None:
    path = tmp_path / "hub.sqlite"
    store = Store(path)
    store.put_instance(_record("a"))
    store.add_message("a", "e1", {"kind": "event", "event": {"EventType": 0}})
    store.close()

    with Store(path) as again, closing(sqlite3.connect(path)) as raw:
        mode = raw.execute("PRAGMA journal_mode").fetchone()[0]

        assert mode == "wal"
        record = again.get_instance("a")
        assert record is not None and record.state == {"next_seq": 0} and record.input == '"x"'
        assert [m.body for m in again.messages("a")] == [
            {"kind": "event", "event": {"EventType": 0}}
        ]


def test_a_failed_transaction_leaves_nothing_behind() -> None:
    store = _memory_store()
    store.put_instance(_record("a"))
    item = store.add_work_item("a", "e1", 0, "act", "1")

    with pytest.raises(RuntimeError, match="crash"), store.transaction():
        store.delete_work_item(item)
        store.add_message("a", "e1", {"kind": "event", "event": {}})
        store.append_history("a", "e1", [{"EventType": 5}])
        raise RuntimeError("crash in the middle")

    assert [w.id for w in store.work_items()] == [item]
    assert store.messages("a") == []
    assert store.history("a") == []


def test_history_appends_in_order_and_clears() -> None:
    store = _memory_store()
    store.append_history("a", "e1", [{"n": 1}, {"n": 2}])
    store.append_history("a", "e1", [{"n": 3}])

    assert [e["n"] for e in store.history("a")] == [1, 2, 3]
    store.clear_history("a")
    assert store.history("a") == []


def test_timers_come_out_earliest_first_and_only_when_due() -> None:
    store = _memory_store()
    store.add_timer("a", "e1", 3, "2025-01-01T00:00:10.000000Z")
    store.add_timer("b", "e1", 1, "2025-01-01T00:00:05.000000Z")

    upcoming = store.next_timer()
    assert upcoming is not None and (upcoming.instance_id, upcoming.timer_id) == ("b", 1)
    assert [t.instance_id for t in store.due_timers("2025-01-01T00:00:07.000000Z")] == ["b"]
    store.delete_timers("a", "e1", [3])
    assert [t.instance_id for t in store.due_timers("2025-01-02T00:00:00.000000Z")] == ["b"]


def test_list_filters_by_time_status_and_prefix_and_delete_removes_everything() -> None:
    store = _memory_store()
    store.put_instance(_record("job-1", "2025-01-01T00:00:00.000000Z", "Completed"))
    store.put_instance(_record("job-2", "2025-01-02T00:00:00.000000Z", "Running"))
    store.put_instance(_record("other", "2025-01-03T00:00:00.000000Z", "Running"))
    store.add_work_item("job-2", "e1", 0, "act", None)
    store.add_timer("job-2", "e1", 1, "2025-01-05T00:00:00.000000Z")

    assert [r.instance_id for r in store.list_instances(statuses=["Running"])] == ["job-2", "other"]
    assert [r.instance_id for r in store.list_instances(instance_id_prefix="job-")] == [
        "job-1",
        "job-2",
    ]
    assert [
        r.instance_id
        for r in store.list_instances(
            created_from="2025-01-02T00:00:00.000000Z", created_to="2025-01-02T12:00:00.000000Z"
        )
    ] == ["job-2"]
    assert store.delete_instance("job-2") == 1
    assert store.delete_instance("job-2") == 0
    assert store.work_items() == [] and store.next_timer() is None
