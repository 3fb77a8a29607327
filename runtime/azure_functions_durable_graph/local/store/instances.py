"""The store's instances and their histories (the replay caches sit on both)."""

from __future__ import annotations

import json
from typing import Any

from ..errors import LocalHostError
from ..history import Event
from .db import Database
from .records import InstanceRecord
from .replay_cache import played_json

_INSTANCE_COLUMNS = (
    "instance_id, name, execution_id, status, input, output, custom_status, created_at, "
    "updated_at, "
    "parent_instance_id, parent_execution_id, parent_task_id, state"
)

#: Statuses after which no episode runs, so the replay caches need not keep the instance.
_NEVER_REPLAYED = frozenset({"Completed", "Failed", "Terminated"})


class InstanceTables:
    """Rows of `instances` and `history`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get_instance(self, instance_id: str) -> InstanceRecord | None:
        rows = self._db.all(
            f"SELECT {_INSTANCE_COLUMNS} FROM instances WHERE instance_id = ?", (instance_id,)
        )
        return self._instance(rows[0]) if rows else None

    def put_instance(self, record: InstanceRecord) -> None:
        """Insert or replace the whole row."""
        with self._db.lock:
            state_json = self._db.states.encode(record.instance_id, record.state)
            if record.status in _NEVER_REPLAYED:  # free the memory (forgetting is always safe)
                self._db.states.forget(record.instance_id)
                self._db.played.forget(record.instance_id)
        self._db.run(
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
        rows = self._db.all(
            f"SELECT {_INSTANCE_COLUMNS} FROM instances{where} ORDER BY created_at, instance_id",
            params,
        )
        return [self._instance(r) for r in rows]

    def _instance(self, row: tuple[Any, ...]) -> InstanceRecord:
        record = _instance(row)
        if record.status in _NEVER_REPLAYED:  # listing finished instances must not fill the cache
            record.state = json.loads(row[12])
            return record
        with self._db.lock:
            record.state = self._db.states.decode(record.instance_id, row[12])
        return record

    def history(self, instance_id: str) -> list[Event]:
        rows = self._db.all(
            "SELECT event FROM history WHERE instance_id = ? ORDER BY position", (instance_id,)
        )
        return [json.loads(r[0]) for r in rows]

    def played_history(self, instance_id: str) -> list[str]:
        """The JSON text of each history event marked played, as the next episode sends them.

        Served from memory when the cache still ends where the stored history
        ends; otherwise rebuilt from the rows (and cached, outside a transaction).
        """
        with self._db.lock:
            rows = self._db.all(
                "SELECT position, execution_id FROM history WHERE instance_id = ? "
                "ORDER BY position DESC LIMIT 1",
                (instance_id,),
            )
            last = (int(rows[0][0]), str(rows[0][1])) if rows else None
            cached = self._db.played.get(instance_id, last)
            if cached is not None:
                return list(cached)
            fragments = [played_json(e) for e in self.history(instance_id)]
            if not self._db.depth and last is not None:
                self._db.played.put(instance_id, last[1], fragments)
            return fragments

    def check_history_length(self, instance_id: str, replayed: int) -> None:
        """Inside an episode's commit: the stored history is still the one it replayed.

        Raises `StaleHistory` when another writer changed it meanwhile, so the
        episode's decisions are rolled back instead of committed on top.
        """
        rows = self._db.all(
            "SELECT COALESCE(MAX(position), -1) + 1 FROM history WHERE instance_id = ?",
            (instance_id,),
        )
        stored = int(rows[0][0])
        if stored != replayed:
            raise StaleHistory(instance_id, replayed, stored)

    def append_history(self, instance_id: str, execution_id: str, events: list[Event]) -> None:
        with self._db.transaction():
            rows = self._db.all(
                "SELECT COALESCE(MAX(position), -1) FROM history WHERE instance_id = ?",
                (instance_id,),
            )
            start = int(rows[0][0]) + 1
            with self._db.lock:
                self._db.conn.executemany(
                    "INSERT INTO history (instance_id, position, execution_id, event) "
                    "VALUES (?,?,?,?)",
                    [
                        (instance_id, start + i, execution_id, json.dumps(e))
                        for i, e in enumerate(events)
                    ],
                )
            fragments = [played_json(e) for e in events]
            self._db.on_commit(
                lambda: self._db.played.appended(instance_id, execution_id, start, fragments)
            )

    def clear_history(self, instance_id: str) -> None:
        with self._db.transaction():
            self._db.run("DELETE FROM history WHERE instance_id = ?", (instance_id,))
            self._db.played.forget(instance_id)
            self._db.on_commit(lambda: self._db.played.forget(instance_id))


class StaleHistory(LocalHostError):
    """An episode replayed a history that another writer has changed since."""

    def __init__(self, instance_id: str, replayed: int, stored: int) -> None:
        self.instance_id = instance_id
        super().__init__(
            f"instance {instance_id!r}: the episode replayed {replayed} history events but the "
            f"store now holds {stored}; another host is writing to this store"
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
