"""The store's SQLite connection: schema, one-lock access and atomic transactions.

The table classes (instances.py, queues.py, entities.py) each hold the one
`Database` of their store; store.py composes them. The schema is the on-disk format of
`.durable-graph/store.sqlite3`: stores written by earlier versions must keep
opening, so tables and columns are only ever added.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .replay_cache import MAX_CACHED_INSTANCES, ExecutionStateCache, PlayedHistoryCache

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


class Database:
    """One SQLite connection shared by the table classes, and the replay caches.

    `lock` guards the connection and the caches; `conn` is used only under it.
    """

    def __init__(
        self, path: str | Path = ":memory:", *, cached_instances: int = MAX_CACHED_INSTANCES
    ) -> None:
        """`cached_instances` bounds the in-memory replay caches (0 turns them off)."""
        if cached_instances < 0:
            raise ValueError(f"cached_instances must be 0 or more, got {cached_instances}")
        self.path = str(path)
        self.lock = threading.RLock()
        self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.depth = 0
        self._after_commit: list[Callable[[], None]] = []
        self.played = PlayedHistoryCache(cached_instances)
        self.states = ExecutionStateCache(cached_instances)
        if self.path != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """Group every call made inside the block into one atomic commit (nested blocks join)."""
        with self.lock:
            if self.depth:
                self.depth += 1
                try:
                    yield self
                finally:
                    self.depth -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self.depth = 1
            try:
                yield self
                self.conn.execute("COMMIT")
            except BaseException:
                # SQLite may have rolled back already (e.g. a full disk: SQLITE_FULL).
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                self._after_commit.clear()
                raise
            else:
                updates, self._after_commit = self._after_commit, []
                for update in updates:
                    update()
            finally:
                self.depth = 0

    def on_commit(self, update: Callable[[], None]) -> None:
        """Run a cache `update` once the current transaction commits; drop it on rollback."""
        self._after_commit.append(update)

    def all(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    def run(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        with self.lock:
            return self.conn.execute(sql, params).rowcount

    def insert(self, sql: str, params: tuple[Any, ...]) -> int:
        with self.lock:
            row_id = self.conn.execute(sql, params).lastrowid
            assert row_id is not None
            return row_id
