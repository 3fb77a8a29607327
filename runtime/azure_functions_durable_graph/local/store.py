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

from .store_entities import EntityTables
from .store_instances import InstanceTables
from .store_queues import QueueTables
from .store_records import EntityOperation, InstanceRecord, Message, PendingTimer, WorkItem

__all__ = ["EntityOperation", "InstanceRecord", "Message", "PendingTimer", "Store", "WorkItem"]


class Store(InstanceTables, QueueTables, EntityTables):
    """The SQLite database of one task hub: one connection (store_db.py), a class per
    concern (instances and histories, queues, entities) and what spans them."""

    def delete_instance(self, instance_id: str) -> int:
        """Delete an instance and everything it owns; returns 1 if it existed."""
        with self.transaction():
            self.delete_pending_work(instance_id)
            self._run("DELETE FROM inbox WHERE instance_id = ?", (instance_id,))
            self.clear_history(instance_id)
            self._states.forget(instance_id)
            return self._run("DELETE FROM instances WHERE instance_id = ?", (instance_id,))
