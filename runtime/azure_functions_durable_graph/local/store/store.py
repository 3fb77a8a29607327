"""SQLite persistence of instances, histories, inboxes, work items, timers and entities.

Every state change the local host's engine makes goes through one
`transaction()`: an episode's results (history appended, inbox messages
consumed, new work items, timers and child instances, the status update) or an
activity's completion (work item deleted, inbox message added) commit together
or not at all. So a crash loses nothing: on restart, work items still present
run again, timers still present fire, inbox messages and entity operations
still present are processed.

A file store uses WAL mode; ":memory:" is for tests. All calls are
synchronous and short; the engine makes them from its event loop thread.

Episodes re-read an instance's whole history and state every time; the store
keeps both in memory as well (replay_cache.py), so that re-reading costs
nothing per past event. The caches change only after a commit, and are checked
against the stored rows before use: the database stays the truth.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .db import Database
from .entities import EntityTables
from .instances import InstanceTables
from .queues import QueueTables
from .replay_cache import MAX_CACHED_INSTANCES


class Store:
    """The SQLite database of one task hub: one connection (db.py) shared by a table object
    per concern (instances and histories, queues, entities), and what spans them.

    Its operations are the table objects' own methods, bound here, so each is written once
    and callers need not know which table holds what.
    """

    def __init__(
        self, path: str | Path = ":memory:", *, cached_instances: int = MAX_CACHED_INSTANCES
    ) -> None:
        """`cached_instances` bounds the in-memory replay caches (0 turns them off)."""
        self._db = Database(path, cached_instances=cached_instances)
        self.path = self._db.path
        instances = self.instances = InstanceTables(self._db)
        queues = self.queues = QueueTables(self._db)
        entities = self.entities = EntityTables(self._db)
        # Instances and histories.
        self.get_instance = instances.get_instance
        self.put_instance = instances.put_instance
        self.list_instances = instances.list_instances
        self.history = instances.history
        self.played_history = instances.played_history
        self.append_history = instances.append_history
        self.check_history_length = instances.check_history_length
        self.clear_history = instances.clear_history
        # Inbox messages, activity work items and timers.
        self.add_message = queues.add_message
        self.messages = queues.messages
        self.delete_messages = queues.delete_messages
        self.instances_with_messages = queues.instances_with_messages
        self.count_runnable_messages = queues.count_runnable_messages
        self.add_work_item = queues.add_work_item
        self.work_items = queues.work_items
        self.get_work_item = queues.get_work_item
        self.delete_work_item = queues.delete_work_item
        self.count_work_items = queues.count_work_items
        self.add_timer = queues.add_timer
        self.next_timer = queues.next_timer
        self.due_timers = queues.due_timers
        self.delete_timer = queues.delete_timer
        self.delete_timers = queues.delete_timers
        self.delete_timers_of = queues.delete_timers_of
        self.delete_pending_work = queues.delete_pending_work
        # Entities.
        self.add_entity_operation = entities.add_entity_operation
        self.next_entity_operation = entities.next_entity_operation
        self.delete_entity_operation = entities.delete_entity_operation
        self.entities_with_operations = entities.entities_with_operations
        self.count_entity_operations = entities.count_entity_operations
        self.entity_state = entities.entity_state
        self.put_entity_state = entities.put_entity_state
        self.delete_entity = entities.delete_entity

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Group every call made inside the block into one atomic commit (nested blocks join)."""
        with self._db.transaction():
            yield self

    def delete_instance(self, instance_id: str) -> int:
        """Delete an instance and everything it owns; returns 1 if it existed."""
        with self.transaction():
            self.queues.delete_pending_work(instance_id)
            self._db.run("DELETE FROM inbox WHERE instance_id = ?", (instance_id,))
            self.instances.clear_history(instance_id)
            self._db.states.forget(instance_id)
            return self._db.run("DELETE FROM instances WHERE instance_id = ?", (instance_id,))
