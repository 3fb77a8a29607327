"""Reading a run's step log waits for the records its orchestrator says it sent.

The log is an entity written by signal, so it lags the run's status: a run that failed in
its first superstep is already `Failed` while its start record is still on the way. The
orchestrator publishes how many records it sent (`logged`); the reader waits for them.
"""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any

from azure_functions_durable_graph.agent_server.durable_view import InstanceView, _records

START = {"kind": "start", "superstep": 0, "state": {"topic": "x"}}
STEP = {"kind": "step", "superstep": 1, "tasks": []}


class LaggingLog:
    """A step-log entity that applies one more signalled record at every read."""

    def __init__(self, records: list[dict[str, Any]], first: int) -> None:
        self.records = records
        self.visible = first
        self.reads = 0

    async def read_entity_state(self, entity_id: Any) -> Any:
        self.reads += 1
        shown = self.records[: self.visible]
        self.visible += 1
        return SimpleNamespace(entity_exists=bool(shown), entity_state=json.dumps(shown))


def failed_view(custom: dict[str, Any]) -> InstanceView:
    return InstanceView("run-1", "Failed", custom, "boom", log="log-1", batched=True)


def test_a_failed_run_is_read_once_its_log_holds_every_record_it_sent() -> None:
    log = LaggingLog([START, STEP], first=0)

    records = asyncio.run(_records(log, failed_view({"logged": 2})))

    assert records == [START, STEP]
    assert log.reads == 3


def test_a_run_without_the_count_is_read_as_far_as_it_got() -> None:
    log = LaggingLog([START, STEP], first=0)

    records = asyncio.run(_records(log, failed_view({})))

    assert records == []
    assert log.reads == 1
