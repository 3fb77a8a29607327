"""SQLite persistence of instances, histories, inboxes, work items, timers and entities.

Every state change the engine makes goes through one `transaction()`: an
episode's results (history appended, inbox messages consumed, new work items,
timers and child instances, the status update) or an activity's completion
(work item deleted, inbox message added) commit together or not at all. So a
crash loses nothing: on restart, work items still present run again, timers
still present fire, inbox messages and entity operations still present are
processed.

A file store uses WAL mode; ":memory:" is for tests. All calls are
synchronous and short; the engine makes them from its event loop thread.

Episodes re-read an instance's whole history and state every time; the store
keeps both in memory as well (replay_cache.py), so that re-reading costs
nothing per past event. The caches change only after a commit, and are checked
against the stored rows before use: the database stays the truth.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .history import Event
from .replay_cache import MAX_CACHED_INSTANCES, PlayedHistoryCache, StateCodec, played_json

_SCHEMA = """
CREATE TABLE IF NOT EXISTS instances (
    instance_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    execution_id TEXT NOT NULL,
    status TEXT NOT NULL,
    input TEXT,
    output TEXT,
    custom_status TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    parent_instance_id TEXT,
    parent_execution_id TEXT,
    parent_task_id INTEGER,
    state TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS instances_created ON instances (created_at);
CREATE TABLE IF NOT EXISTS history (
    instance_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    execution_id TEXT NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (instance_id, position)
);
CREATE TABLE IF NOT EXISTS inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id TEXT NOT NULL,
    execution_id TEXT,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS inbox_instance ON inbox (instance_id, id);
CREATE TABLE IF NOT EXISTS work_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id TEXT NOT NULL,
    execution_id TEXT NOT NULL,
    task_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    input TEXT
);
CREATE TABLE IF NOT EXISTS timers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id TEXT NOT NULL,
    execution_id TEXT NOT NULL,
    timer_id INTEGER NOT NULL,
    fire_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS timers_fire_at ON timers (fire_at);
CREATE TABLE IF NOT EXISTS entities (
    entity_id TEXT PRIMARY KEY,
    exists_ INTEGER NOT NULL,
    state TEXT
);
CREATE TABLE IF NOT EXISTS entity_ops (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_id TEXT NOT NULL,
    operation TEXT NOT NULL,
    input TEXT,
    is_signal INTEGER NOT NULL,
    caller_instance_id TEXT,
    caller_execution_id TEXT,
    request_id TEXT
);
CREATE INDEX IF NOT EXISTS entity_ops_entity ON entity_ops (entity_id, id);
"""

_INSTANCE_COLUMNS = (
    "instance_id, name, execution_id, status, input, output, custom_status, created_at, "
    "updated_at, "
    "parent_instance_id, parent_execution_id, parent_task_id, state"
)

#: Statuses after which no episode runs, so the replay caches need not keep the instance.
_NEVER_REPLAYED = frozenset({"Completed", "Failed", "Terminated"})

_WORK_COLUMNS = "id, instance_id, execution_id, task_id, name, input"
_TIMER_COLUMNS = "id, instance_id, execution_id, timer_id, fire_at"


@dataclass
class InstanceRecord:
    """One orchestration instance. Times are `history.format_time` text, so they sort as strings."""

    instance_id: str
    name: str
    execution_id: str
    status: str
    input: str | None
    created_at: str
    updated_at: str
    output: str | None = None
    custom_status: str | None = None
    parent_instance_id: str | None = None
    parent_execution_id: str | None = None
    parent_task_id: int | None = None
    state: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Message:
    """An inbox message; `execution_id` None means "whatever execution is current"."""

    id: int
    instance_id: str
    execution_id: str | None
    body: dict[str, Any]


@dataclass(frozen=True)
class WorkItem:
    """An activity to run for an instance."""

    id: int
    instance_id: str
    execution_id: str
    task_id: int
    name: str
    input: str | None


@dataclass(frozen=True)
class PendingTimer:
    """A durable timer waiting for its moment."""

    id: int
    instance_id: str
    execution_id: str
    timer_id: int
    fire_at: str


@dataclass(frozen=True)
class EntityOperation:
    """An operation queued for an entity (`@name@key`); calls carry who waits for the answer."""

    id: int
    entity_id: str
    operation: str
    input: str | None
    is_signal: bool
    caller_instance_id: str | None = None
    caller_execution_id: str | None = None
    request_id: str | None = None


class Store:
    """The SQLite database of one task hub."""

    def __init__(
        self, path: str | Path = ":memory:", *, cached_instances: int = MAX_CACHED_INSTANCES
    ) -> None:
        """`cached_instances` bounds the in-memory replay caches (0 turns them off)."""
        if cached_instances < 0:
            raise ValueError(f"cached_instances must be 0 or more, got {cached_instances}")
        self.path = str(path)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._depth = 0
        self._after_commit: list[Callable[[], None]] = []
        self._played = PlayedHistoryCache(cached_instances)
        self._states = StateCodec(cached_instances)
        if self.path != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Group every call made inside the block into one atomic commit (nested blocks join)."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._conn.execute("ROLLBACK")
                self._after_commit.clear()
                raise
            else:
                self._conn.execute("COMMIT")
                updates, self._after_commit = self._after_commit, []
                for update in updates:
                    update()
            finally:
                self._depth = 0

    def _on_commit(self, update: Callable[[], None]) -> None:
        """Run a cache `update` once the current transaction commits; drop it on rollback."""
        self._after_commit.append(update)

    def _all(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _run(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        with self._lock:
            return self._conn.execute(sql, params).rowcount

    def _insert(self, sql: str, params: tuple[Any, ...]) -> int:
        with self._lock:
            row_id = self._conn.execute(sql, params).lastrowid
            assert row_id is not None
            return row_id

    # Instances -----------------------------------------------------------------------------------

    def get_instance(self, instance_id: str) -> InstanceRecord | None:
        rows = self._all(
            f"SELECT {_INSTANCE_COLUMNS} FROM instances WHERE instance_id = ?", (instance_id,)
        )
        return self._instance(rows[0]) if rows else None

    def put_instance(self, record: InstanceRecord) -> None:
        """Insert or replace the whole row."""
        with self._lock:
            state_json = self._states.encode(record.instance_id, record.state)
            if record.status in _NEVER_REPLAYED:  # free the memory (forgetting is always safe)
                self._states.forget(record.instance_id)
                self._played.forget(record.instance_id)
        self._run(
            f"INSERT OR REPLACE INTO instances ({_INSTANCE_COLUMNS}) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                record.instance_id,
                record.name,
                record.execution_id,
                record.status,
                record.input,
                record.output,
                record.custom_status,
                record.created_at,
                record.updated_at,
                record.parent_instance_id,
                record.parent_execution_id,
                record.parent_task_id,
                state_json,
            ),
        )

    def list_instances(
        self,
        *,
        created_from: str | None = None,
        created_to: str | None = None,
        statuses: list[str] | None = None,
        instance_id_prefix: str | None = None,
    ) -> list[InstanceRecord]:
        where, params = _filters(created_from, created_to, statuses, instance_id_prefix)
        rows = self._all(
            f"SELECT {_INSTANCE_COLUMNS} FROM instances{where} ORDER BY created_at, instance_id",
            params,
        )
        return [self._instance(r) for r in rows]

    def delete_instance(self, instance_id: str) -> int:
        """Delete an instance and everything it owns; returns 1 if it existed."""
        with self.transaction():
            self.delete_pending_work(instance_id)
            self._run("DELETE FROM inbox WHERE instance_id = ?", (instance_id,))
            self.clear_history(instance_id)
            self._states.forget(instance_id)
            return self._run("DELETE FROM instances WHERE instance_id = ?", (instance_id,))

    def _instance(self, row: tuple[Any, ...]) -> InstanceRecord:
        record = _instance(row)
        if record.status in _NEVER_REPLAYED:  # listing finished instances must not fill the cache
            record.state = json.loads(row[12])
            return record
        with self._lock:
            record.state = self._states.decode(record.instance_id, row[12])
        return record

    # History -------------------------------------------------------------------------------------

    def history(self, instance_id: str) -> list[Event]:
        rows = self._all(
            "SELECT event FROM history WHERE instance_id = ? ORDER BY position", (instance_id,)
        )
        return [json.loads(r[0]) for r in rows]

    def played_history(self, instance_id: str) -> list[str]:
        """The JSON text of each history event marked played, as the next episode sends them.

        Served from memory when the cache still ends where the stored history
        ends; otherwise rebuilt from the rows (and cached, outside a transaction).
        """
        with self._lock:
            rows = self._all(
                "SELECT position, execution_id FROM history WHERE instance_id = ? "
                "ORDER BY position DESC LIMIT 1",
                (instance_id,),
            )
            last = (int(rows[0][0]), str(rows[0][1])) if rows else None
            cached = self._played.get(instance_id, last)
            if cached is not None:
                return list(cached)
            fragments = [played_json(e) for e in self.history(instance_id)]
            if not self._depth and last is not None:
                self._played.put(instance_id, last[1], fragments)
            return fragments

    def append_history(self, instance_id: str, execution_id: str, events: list[Event]) -> None:
        with self.transaction():
            rows = self._all(
                "SELECT COALESCE(MAX(position), -1) FROM history WHERE instance_id = ?",
                (instance_id,),
            )
            start = int(rows[0][0]) + 1
            with self._lock:
                self._conn.executemany(
                    "INSERT INTO history (instance_id, position, execution_id, event) "
                    "VALUES (?,?,?,?)",
                    [
                        (instance_id, start + i, execution_id, json.dumps(e))
                        for i, e in enumerate(events)
                    ],
                )
            fragments = [played_json(e) for e in events]
            self._on_commit(
                lambda: self._played.appended(instance_id, execution_id, start, fragments)
            )

    def clear_history(self, instance_id: str) -> None:
        with self.transaction():
            self._run("DELETE FROM history WHERE instance_id = ?", (instance_id,))
            self._played.forget(instance_id)
            self._on_commit(lambda: self._played.forget(instance_id))

    # Inbox ---------------------------------------------------------------------------------------

    def add_message(self, instance_id: str, execution_id: str | None, body: dict[str, Any]) -> int:
        return self._insert(
            "INSERT INTO inbox (instance_id, execution_id, message) VALUES (?,?,?)",
            (instance_id, execution_id, json.dumps(body)),
        )

    def messages(self, instance_id: str) -> list[Message]:
        rows = self._all(
            "SELECT id, instance_id, execution_id, message FROM inbox "
            "WHERE instance_id = ? ORDER BY id",
            (instance_id,),
        )
        return [Message(r[0], r[1], r[2], json.loads(r[3])) for r in rows]

    def delete_messages(self, ids: list[int]) -> None:
        with self._lock:
            self._conn.executemany("DELETE FROM inbox WHERE id = ?", [(i,) for i in ids])

    def instances_with_messages(self) -> list[str]:
        return [
            r[0] for r in self._all("SELECT DISTINCT instance_id FROM inbox ORDER BY instance_id")
        ]

    def count_runnable_messages(self) -> int:
        """Inbox messages that can be processed now (a Suspended instance holds its messages)."""
        held = "SELECT instance_id FROM instances WHERE status = 'Suspended'"
        wakes = "json_extract(message, '$.kind') IN ('resume', 'terminate')"
        sql = f"SELECT COUNT(*) FROM inbox WHERE {wakes} OR instance_id NOT IN ({held})"
        return int(self._all(sql)[0][0])

    # Activity work items -------------------------------------------------------------------------

    def add_work_item(
        self, instance_id: str, execution_id: str, task_id: int, name: str, input_json: str | None
    ) -> int:
        return self._insert(
            "INSERT INTO work_items (instance_id, execution_id, task_id, name, input) "
            "VALUES (?,?,?,?,?)",
            (instance_id, execution_id, task_id, name, input_json),
        )

    def work_items(self) -> list[WorkItem]:
        rows = self._all(
            "SELECT id, instance_id, execution_id, task_id, name, input FROM work_items ORDER BY id"
        )
        return [WorkItem(*r) for r in rows]

    def get_work_item(self, item_id: int) -> WorkItem | None:
        rows = self._all(
            f"SELECT {_WORK_COLUMNS} FROM work_items WHERE id = ?",
            (item_id,),
        )
        return WorkItem(*rows[0]) if rows else None

    def delete_work_item(self, item_id: int) -> bool:
        return self._run("DELETE FROM work_items WHERE id = ?", (item_id,)) > 0

    # Timers --------------------------------------------------------------------------------------

    def add_timer(self, instance_id: str, execution_id: str, timer_id: int, fire_at: str) -> int:
        return self._insert(
            "INSERT INTO timers (instance_id, execution_id, timer_id, fire_at) VALUES (?,?,?,?)",
            (instance_id, execution_id, timer_id, fire_at),
        )

    def next_timer(self) -> PendingTimer | None:
        rows = self._all(f"SELECT {_TIMER_COLUMNS} FROM timers ORDER BY fire_at, id LIMIT 1")
        return PendingTimer(*rows[0]) if rows else None

    def due_timers(self, now: str) -> list[PendingTimer]:
        rows = self._all(
            f"SELECT {_TIMER_COLUMNS} FROM timers WHERE fire_at <= ? ORDER BY fire_at, id",
            (now,),
        )
        return [PendingTimer(*r) for r in rows]

    def delete_timer(self, row_id: int) -> bool:
        return self._run("DELETE FROM timers WHERE id = ?", (row_id,)) > 0

    def delete_timers(self, instance_id: str, execution_id: str, timer_ids: list[int]) -> None:
        with self._lock:
            self._conn.executemany(
                "DELETE FROM timers WHERE instance_id = ? AND execution_id = ? AND timer_id = ?",
                [(instance_id, execution_id, t) for t in timer_ids],
            )

    def delete_timers_of(self, instance_id: str) -> None:
        self._run("DELETE FROM timers WHERE instance_id = ?", (instance_id,))

    def delete_pending_work(self, instance_id: str) -> None:
        """Drop an instance's activity work items and timers (it finished or was terminated)."""
        self._run("DELETE FROM work_items WHERE instance_id = ?", (instance_id,))
        self._run("DELETE FROM timers WHERE instance_id = ?", (instance_id,))

    def count_work_items(self) -> int:
        return int(self._all("SELECT COUNT(*) FROM work_items")[0][0])

    # Entities ------------------------------------------------------------------------------------

    def add_entity_operation(
        self,
        entity_id: str,
        operation: str,
        input_json: str | None,
        *,
        caller: tuple[str, str, str] | None = None,
    ) -> int:
        """Queue an operation; `caller` is (instance_id, execution_id, request_id) for calls."""
        caller_instance, caller_execution, request_id = caller or (None, None, None)
        return self._insert(
            "INSERT INTO entity_ops (entity_id, operation, input, is_signal, caller_instance_id, "
            "caller_execution_id, request_id) VALUES (?,?,?,?,?,?,?)",
            (
                entity_id,
                operation,
                input_json,
                caller is None,
                caller_instance,
                caller_execution,
                request_id,
            ),
        )

    def next_entity_operation(self, entity_id: str) -> EntityOperation | None:
        rows = self._all(
            "SELECT id, entity_id, operation, input, is_signal, caller_instance_id, "
            "caller_execution_id, request_id FROM entity_ops WHERE entity_id = ? "
            "ORDER BY id LIMIT 1",
            (entity_id,),
        )
        if not rows:
            return None
        row = rows[0]
        return EntityOperation(row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6], row[7])

    def delete_entity_operation(self, op_id: int) -> bool:
        return self._run("DELETE FROM entity_ops WHERE id = ?", (op_id,)) > 0

    def entities_with_operations(self) -> list[str]:
        return [
            r[0] for r in self._all("SELECT DISTINCT entity_id FROM entity_ops ORDER BY entity_id")
        ]

    def count_entity_operations(self) -> int:
        return int(self._all("SELECT COUNT(*) FROM entity_ops")[0][0])

    def entity_state(self, entity_id: str) -> tuple[bool, str | None]:
        """(exists, state JSON text) of an entity; a never-seen entity does not exist."""
        rows = self._all("SELECT exists_, state FROM entities WHERE entity_id = ?", (entity_id,))
        return (bool(rows[0][0]), rows[0][1]) if rows else (False, None)

    def put_entity_state(self, entity_id: str, exists: bool, state: str | None) -> None:
        self._run(
            "INSERT OR REPLACE INTO entities (entity_id, exists_, state) VALUES (?,?,?)",
            (entity_id, exists, state),
        )


def _instance(row: tuple[Any, ...]) -> InstanceRecord:
    return InstanceRecord(
        instance_id=row[0],
        name=row[1],
        execution_id=row[2],
        status=row[3],
        input=row[4],
        output=row[5],
        custom_status=row[6],
        created_at=row[7],
        updated_at=row[8],
        parent_instance_id=row[9],
        parent_execution_id=row[10],
        parent_task_id=row[11],
        state={},
    )


def _filters(
    created_from: str | None, created_to: str | None, statuses: list[str] | None, prefix: str | None
) -> tuple[str, tuple[Any, ...]]:
    clauses: list[str] = []
    params: list[Any] = []
    if created_from is not None:
        clauses.append("created_at >= ?")
        params.append(created_from)
    if created_to is not None:
        clauses.append("created_at <= ?")
        params.append(created_to)
    if statuses:
        clauses.append(f"status IN ({','.join('?' for _ in statuses)})")
        params.extend(statuses)
    if prefix:
        clauses.append("substr(instance_id, 1, ?) = ?")
        params.extend([len(prefix), prefix])
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)
