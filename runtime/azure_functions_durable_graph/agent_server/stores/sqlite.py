"""The local host's store: LangGraph's own SqliteStore in a file beside the host's store.

SqliteStore (langgraph-checkpoint-sqlite) is synchronous and refuses the async
methods; the Agent Server routes and async nodes use those, so `abatch` runs
the same batch in a worker thread. Expired items are swept before reads (at
most once a second), so an item past its TTL is gone without a sweeper thread.
"""

from __future__ import annotations

import asyncio
import datetime
import os
import sqlite3
import time
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from langgraph.store.base import GetOp, ListNamespacesOp, Op, Result, SearchOp, TTLConfig
from langgraph.store.sqlite import SqliteStore
from langgraph.store.sqlite.base import SqliteIndexConfig

from .selection import MEMORY

#: LangGraph's default: reading an item starts its TTL again.
DEFAULT_TTL: TTLConfig = {"refresh_on_read": True}
_SWEEP_EVERY_SECONDS = 1.0


class LocalSqliteStore(SqliteStore):
    """SqliteStore with async methods (a worker thread) and sweeps of expired items."""

    def __init__(self, conn: sqlite3.Connection, **kwargs: Any) -> None:
        super().__init__(conn, **kwargs)
        self._swept_at = 0.0

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        ops = list(ops)
        if any(isinstance(op, (GetOp, SearchOp, ListNamespacesOp)) for op in ops):
            self._sweep_now_and_then()
        return super().batch(ops)

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        return await asyncio.to_thread(self.batch, list(ops))

    def _sweep_now_and_then(self) -> None:
        now = time.monotonic()
        if now - self._swept_at >= _SWEEP_EVERY_SECONDS:
            self._swept_at = now
            self.sweep_ttl()


def open_sqlite_store(
    path: str | os.PathLike[str],
    *,
    ttl: TTLConfig | None = None,
    index: SqliteIndexConfig | None = None,
) -> LocalSqliteStore:
    """Open (and create, readable by this user only) the store file at `path`, or `:memory:`.

    An `index` (semantic search) needs a Python whose sqlite3 can load extensions
    (sqlite-vec); pass the store to `DurableGraphApp(store=...)` to use it.
    """
    target = str(path)
    if target != MEMORY:
        file = Path(target)
        file.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(file, os.O_CREAT | os.O_RDWR, 0o600))
    _adapt_times()
    conn = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
    if target != MEMORY:
        conn.execute("PRAGMA journal_mode=WAL")
    store = LocalSqliteStore(conn, ttl=DEFAULT_TTL if ttl is None else ttl, index=index)
    # The connection is closed with the store (an app has no shutdown hook to do it).
    weakref.finalize(store, conn.close)
    store.setup()
    return store


def _adapt_times() -> None:
    """SqliteStore passes datetimes to sqlite3, whose built-in adapter for them is deprecated
    since Python 3.12; this one writes the same text (`isoformat(" ")`), without the warning."""
    sqlite3.register_adapter(datetime.datetime, lambda moment: moment.isoformat(" "))
    sqlite3.register_adapter(datetime.date, lambda day: day.isoformat())
