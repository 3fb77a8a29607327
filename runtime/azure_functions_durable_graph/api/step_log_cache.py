"""The step records of running runs, as last read, so a status poll reads them only once.

`GET /api/runs/{id}` shows a running run's state: where its execution started
plus the records of its step log entity (steps.py `running_state`). The
orchestrator publishes, in its custom status, how many records the current
execution has sent to that entity (``logged``); a poll that finds the same count
as the records it read before reuses them instead of a second Durable client
call. Only a read that holds exactly ``logged`` records is reused (the entity
applies signals after the orchestrator sent them), and only for running runs,
keyed by the run's log id, so a replaced run never sees another's records.
Each process (each Azure worker) keeps its own: a miss is a read, never a
wrong answer.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from .status import runtime_status_name

Key = tuple[str, str, int]  # instance id, log id, execution


class StepLogCache:
    """The last records read per running execution (at most `size` executions)."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._records: OrderedDict[Key, list[dict[str, Any]]] = OrderedDict()

    def get(self, key: Key, logged: int) -> list[dict[str, Any]] | None:
        records = self._records.get(key)
        if records is None or len(records) != logged:
            return None
        self._records.move_to_end(key)
        return records

    def put(self, key: Key, records: list[dict[str, Any]]) -> None:
        self._records[key] = records
        self._records.move_to_end(key)
        while len(self._records) > self.size:
            self._records.popitem(last=False)


def logged_count(status: Any, custom: Any) -> int | None:
    """The ``logged`` count of a running run's custom status (None: not to be trusted)."""
    if runtime_status_name(status) != "Running" or not isinstance(custom, dict):
        return None
    logged = custom.get("logged")
    return logged if isinstance(logged, int) and not isinstance(logged, bool) else None
