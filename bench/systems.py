"""What every compared system offers the comparison: run one workload, say what it stored."""

from __future__ import annotations

from dataclasses import dataclass

from bench.workloads import Workload


@dataclass(frozen=True)
class RunFacts:
    """What one run left behind, besides its time (None: the system has no such thing)."""

    node_calls: int
    activity_calls: int | None = None
    history_events: int | None = None  # Durable history events, or LangGraph checkpoint rows
    history_bytes: int | None = None


class System:
    """A system under comparison; `run` raises WrongResult or WorkloadUnavailable."""

    name: str

    def run(self, workload: Workload) -> RunFacts:
        raise NotImplementedError
