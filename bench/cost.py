"""Azure's cost per node step, counted exactly from what the local host's store is asked to write.

A Durable backend (Azure Storage, Netherite, MSSQL, the Durable Task Scheduler)
bills and scales by the same things the local host's store records: history
rows, queue messages (orchestrator control messages, activity work items,
durable timers, entity operations) and orchestrator episodes, each replaying its
execution's history. `StoreCounter` wraps one `Store` and counts them; the
counts do not depend on timing except where a backend batches messages (an
N-way superstep's completions may arrive in one episode or in several: the
local host holds results while more of the run's activities still run, so they
arrive in one unless their arrivals pause for 25 ms).

`measure` runs each workload once on a fresh `LocalHost`, through the graph HTTP
API with the step log on (what a deployed app does), and the hand-written
Durable Functions chain (bench/apps/chain) beside it.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azure_functions_durable_graph.local.history import EventType

CHAIN_APP = Path(__file__).parent / "apps" / "chain"


@dataclass
class Counts:
    """What a run made the store write (orchestrations only; entities are counted as operations)."""

    episodes: int = 0
    activities: int = 0
    entity_operations: int = 0
    history_rows: int = 0
    history_bytes: int = 0
    queue_messages: int = 0
    replayed: list[int] = field(default_factory=list)  # events replayed, per episode

    def per_step(self, steps: int) -> dict[str, float]:
        return {
            "episodes": self.episodes / steps,
            "activities": self.activities / steps,
            "entity_operations": self.entity_operations / steps,
            "history_rows": self.history_rows / steps,
            "history_bytes": self.history_bytes / steps,
            "queue_messages": self.queue_messages / steps,
            "replayed_per_episode": sum(self.replayed) / max(len(self.replayed), 1),
        }


class StoreCounter:
    """Counts, per store call, what a Durable backend would write; `take()` returns and resets."""

    def __init__(self, store: Any) -> None:
        self.counts = Counts()
        self._execution_events: dict[tuple[str, str], int] = {}
        self._wrap(store, "append_history", self._history)
        self._wrap(store, "clear_history", self._continued_as_new)
        self._wrap(store, "add_work_item", self._work_item)
        self._wrap(store, "add_entity_operation", self._entity_operation)
        self._wrap(store, "add_message", self._message)
        self._wrap(store, "add_timer", self._message)

    def take(self) -> Counts:
        counts, self.counts = self.counts, Counts()
        return counts

    def _wrap(self, store: Any, name: str, count: Any) -> None:
        original = getattr(store, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            count(*args, **kwargs)
            return original(*args, **kwargs)

        setattr(store, name, counted)

    def _history(self, instance_id: str, execution_id: str, events: list[Any]) -> None:
        counts = self.counts
        counts.history_rows += len(events)
        counts.history_bytes += sum(len(json.dumps(e)) for e in events)
        key = (instance_id, execution_id)
        before = self._execution_events.get(key, 0)
        self._execution_events[key] = before + len(events)
        started = sum(1 for e in events if e.get("EventType") == EventType.ORCHESTRATOR_STARTED)
        if started:
            counts.episodes += started
            counts.replayed.append(before + len(events))

    def _continued_as_new(self, instance_id: str) -> None:
        """The episode that continued as new: the local host drops its execution's history
        instead of appending that episode's events (Azure writes them, then starts anew)."""
        self.counts.episodes += 1
        done = [n for (i, _), n in self._execution_events.items() if i == instance_id]
        self.counts.replayed.append(done[-1] if done else 0)

    def _work_item(self, *args: Any, **kwargs: Any) -> None:
        self.counts.activities += 1
        self.counts.queue_messages += 1

    def _entity_operation(self, *args: Any, **kwargs: Any) -> None:
        self.counts.entity_operations += 1
        self.counts.queue_messages += 1

    def _message(self, *args: Any, **kwargs: Any) -> None:
        self.counts.queue_messages += 1


@dataclass(frozen=True)
class CostRow:
    system: str
    workload: str
    steps: int
    counts: Counts

    def per_step(self) -> dict[str, float]:
        return self.counts.per_step(self.steps)


def measure(workloads: Iterable[Any], chain_steps: Iterable[int] = (10, 200)) -> list[CostRow]:
    """One run of each workload on the graph HTTP API (SQLite store), then the plain chain."""
    from bench.graph_system import graph_system
    from bench.workloads import WorkloadUnavailable

    rows: list[CostRow] = []
    with graph_system("http", "sqlite") as system:
        counter = StoreCounter(system.host.engine.store)
        for workload in workloads:
            try:
                system.run(workload)
            except WorkloadUnavailable:
                counter.take()
                continue
            counts = counter.take()
            rows.append(CostRow("durable-graph http", workload.name, workload.steps, counts))
    rows.extend(measure_chain(chain_steps))
    return rows


def measure_chain(lengths: Iterable[int]) -> list[CostRow]:
    """The hand-written Durable Functions loop: `chain(N)` calls one activity N times."""
    from azure_functions_durable_graph.testing import LocalHost

    rows = []
    with (
        tempfile.TemporaryDirectory(prefix="bench-cost-") as folder,
        LocalHost(CHAIN_APP, store=str(Path(folder) / "hub.sqlite3")) as host,
    ):
        counter = StoreCounter(host.engine.store)
        for steps in lengths:
            response = host.post("/api/orchestrators/chain", json={"steps": steps})
            status = host.wait_for_status(response.json()["id"], timeout=600)
            if status.get("output") != steps:
                raise RuntimeError(f"chain({steps}) returned {status.get('output')!r}")
            rows.append(CostRow("hand-written chain", f"chain-{steps}", steps, counter.take()))
    return rows
