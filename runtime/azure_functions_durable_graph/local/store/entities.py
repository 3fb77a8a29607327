"""The store's durable entities: their states and queued operations."""

from __future__ import annotations

from .db import Database
from .records import EntityOperation


class EntityTables:
    """Rows of `entities` and `entity_ops`."""

    def __init__(self, db: Database) -> None:
        self._db = db

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
        return self._db.insert(
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
        rows = self._db.all(
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
        return self._db.run("DELETE FROM entity_ops WHERE id = ?", (op_id,)) > 0

    def entities_with_operations(self) -> list[str]:
        return [
            r[0]
            for r in self._db.all("SELECT DISTINCT entity_id FROM entity_ops ORDER BY entity_id")
        ]

    def count_entity_operations(self) -> int:
        return int(self._db.all("SELECT COUNT(*) FROM entity_ops")[0][0])

    def entity_state(self, entity_id: str) -> tuple[bool, str | None]:
        """(exists, state JSON text) of an entity; a never-seen entity does not exist."""
        rows = self._db.all("SELECT exists_, state FROM entities WHERE entity_id = ?", (entity_id,))
        return (bool(rows[0][0]), rows[0][1]) if rows else (False, None)

    def delete_entity(self, entity_id: str) -> int:
        """Forget an entity's state (queued operations stay: they recreate it); 1 if it existed."""
        return self._db.run("DELETE FROM entities WHERE entity_id = ?", (entity_id,))

    def put_entity_state(self, entity_id: str, exists: bool, state: str | None) -> None:
        self._db.run(
            "INSERT OR REPLACE INTO entities (entity_id, exists_, state) VALUES (?,?,?)",
            (entity_id, exists, state),
        )
