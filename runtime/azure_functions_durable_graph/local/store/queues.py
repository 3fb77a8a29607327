"""The store's queues of pending work: inbox messages, activity work items and timers."""

from __future__ import annotations

import json
from typing import Any

from .db import Database
from .records import Message, PendingTimer, WorkItem

_WORK_COLUMNS = "id, instance_id, execution_id, task_id, name, input"
_TIMER_COLUMNS = "id, instance_id, execution_id, timer_id, fire_at"


class QueueTables:
    """Rows of `inbox`, `work_items` and `timers`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add_message(self, instance_id: str, execution_id: str | None, body: dict[str, Any]) -> int:
        return self._db.insert(
            "INSERT INTO inbox (instance_id, execution_id, message) VALUES (?,?,?)",
            (instance_id, execution_id, json.dumps(body)),
        )

    def messages(self, instance_id: str) -> list[Message]:
        rows = self._db.all(
            "SELECT id, instance_id, execution_id, message FROM inbox "
            "WHERE instance_id = ? ORDER BY id",
            (instance_id,),
        )
        return [Message(r[0], r[1], r[2], json.loads(r[3])) for r in rows]

    def delete_messages(self, ids: list[int]) -> None:
        with self._db.lock:
            self._db.conn.executemany("DELETE FROM inbox WHERE id = ?", [(i,) for i in ids])

    def instances_with_messages(self) -> list[str]:
        return [
            r[0]
            for r in self._db.all("SELECT DISTINCT instance_id FROM inbox ORDER BY instance_id")
        ]

    def count_runnable_messages(self) -> int:
        """Inbox messages that can be processed now (a Suspended instance holds its messages)."""
        held = "SELECT instance_id FROM instances WHERE status = 'Suspended'"
        wakes = "json_extract(message, '$.kind') IN ('resume', 'terminate')"
        sql = f"SELECT COUNT(*) FROM inbox WHERE {wakes} OR instance_id NOT IN ({held})"
        return int(self._db.all(sql)[0][0])

    def add_work_item(
        self, instance_id: str, execution_id: str, task_id: int, name: str, input_json: str | None
    ) -> int:
        return self._db.insert(
            "INSERT INTO work_items (instance_id, execution_id, task_id, name, input) "
            "VALUES (?,?,?,?,?)",
            (instance_id, execution_id, task_id, name, input_json),
        )

    def work_items(self) -> list[WorkItem]:
        rows = self._db.all(
            "SELECT id, instance_id, execution_id, task_id, name, input FROM work_items ORDER BY id"
        )
        return [WorkItem(*r) for r in rows]

    def get_work_item(self, item_id: int) -> WorkItem | None:
        rows = self._db.all(
            f"SELECT {_WORK_COLUMNS} FROM work_items WHERE id = ?",
            (item_id,),
        )
        return WorkItem(*rows[0]) if rows else None

    def delete_work_item(self, item_id: int) -> bool:
        return self._db.run("DELETE FROM work_items WHERE id = ?", (item_id,)) > 0

    def add_timer(self, instance_id: str, execution_id: str, timer_id: int, fire_at: str) -> int:
        return self._db.insert(
            "INSERT INTO timers (instance_id, execution_id, timer_id, fire_at) VALUES (?,?,?,?)",
            (instance_id, execution_id, timer_id, fire_at),
        )

    def next_timer(self) -> PendingTimer | None:
        rows = self._db.all(f"SELECT {_TIMER_COLUMNS} FROM timers ORDER BY fire_at, id LIMIT 1")
        return PendingTimer(*rows[0]) if rows else None

    def due_timers(self, now: str) -> list[PendingTimer]:
        rows = self._db.all(
            f"SELECT {_TIMER_COLUMNS} FROM timers WHERE fire_at <= ? ORDER BY fire_at, id",
            (now,),
        )
        return [PendingTimer(*r) for r in rows]

    def delete_timer(self, row_id: int) -> bool:
        return self._db.run("DELETE FROM timers WHERE id = ?", (row_id,)) > 0

    def delete_timers(self, instance_id: str, execution_id: str, timer_ids: list[int]) -> None:
        with self._db.lock:
            self._db.conn.executemany(
                "DELETE FROM timers WHERE instance_id = ? AND execution_id = ? AND timer_id = ?",
                [(instance_id, execution_id, t) for t in timer_ids],
            )

    def delete_timers_of(self, instance_id: str) -> None:
        self._db.run("DELETE FROM timers WHERE instance_id = ?", (instance_id,))

    def delete_pending_work(self, instance_id: str) -> None:
        """Drop an instance's activity work items and timers (it finished or was terminated)."""
        self._db.run("DELETE FROM work_items WHERE instance_id = ?", (instance_id,))
        self._db.run("DELETE FROM timers WHERE instance_id = ?", (instance_id,))

    def count_work_items(self) -> int:
        return int(self._db.all("SELECT COUNT(*) FROM work_items")[0][0])
