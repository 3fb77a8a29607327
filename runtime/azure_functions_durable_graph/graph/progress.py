"""What a run pins and carries: its input, and its progress across continue-as-new.

A run's input is ``{"graph_name", "graph_hash", "state"}`` (0.1.0 runs) or, for
engine-v2 runs, the same plus ``"engine": 2`` and ``"steps_per_execution"``;
after a continue-as-new it also holds ``"progress"``: everything the run knows
(state, next tasks, counters, path, inbox), so the new execution picks up
exactly where the old one stopped. A run started with LangGraph's run inputs also
pins ``"config"`` (an object) and ``"context"`` (graph/run_context.py); runs started
before they existed have neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import GraphRunFailed
from .wire import decode_json_text

#: The one orchestrator of every graph; prefixed so it cannot collide with the user's functions.
ORCHESTRATOR_NAME = "durable_graph_orchestrator"
ENGINE_V2 = 2
#: How many rejected events/resumes the status keeps (oldest dropped first).
REJECTED_KEPT = 20


@dataclass
class Progress:
    """The mutable part of a run; JSON-serialisable as a whole."""

    state: dict[str, Any]
    active: list[dict[str, Any]]
    deferred: list[str] = field(default_factory=list)
    superstep: int = 0
    path: list[str] = field(default_factory=list)
    inbox: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    executions: int = 1
    last_node: str = ""
    log_started: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Progress:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    def reject(self, message: Mapping[str, Any], reason: str) -> None:
        """Keep a bounded record of what the run refused, for the status."""
        entry = {k: v for k, v in message.items() if k in ("kind", "name", "answers")}
        self.rejected.append({**entry, "reason": reason})
        del self.rejected[:-REJECTED_KEPT]


@dataclass(frozen=True)
class RunInput:
    """What a run pins: graph name and hash, and how it starts or continues."""

    graph_name: str
    graph_hash: str
    state: dict[str, Any]
    engine: int = ENGINE_V2
    steps_per_execution: int | None = None
    progress: dict[str, Any] | None = None
    record_steps: bool = False
    #: LangGraph's run config (recursion_limit, configurable, ...); None: not given (older runs).
    config: dict[str, Any] | None = None
    context: Any = None
    #: Started by a parent graph's superstep (it may hand a command back: graph/handoff.py).
    subgraph: bool = False

    @property
    def options(self) -> dict[str, Any] | None:
        """What every activity of the run gets as ``"run"`` (None for older runs)."""
        if self.config is None:
            return None
        return {"config": self.config, "context": self.context}

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "graph_name": self.graph_name,
            "graph_hash": self.graph_hash,
            "state": self.state,
        }
        if self.engine >= ENGINE_V2:
            data["engine"] = self.engine
            data["steps_per_execution"] = self.steps_per_execution
            data["record_steps"] = self.record_steps
        if self.progress is not None:
            data["progress"] = self.progress
        if self.config is not None:
            data["config"] = self.config
            data["context"] = self.context
        if self.subgraph:
            data["subgraph"] = True
        return data

    def continued(self, progress: Progress) -> dict[str, Any]:
        """The input of the next execution after a continue-as-new."""
        return {**self.to_dict(), "state": {}, "progress": progress.to_dict()}

    @classmethod
    def parse(cls, value: Any) -> RunInput:
        value = decode_json_text(value)
        if (
            not isinstance(value, Mapping)
            or not isinstance(value.get("graph_name"), str)
            or not isinstance(value.get("graph_hash"), str)
            or not isinstance(value.get("state"), Mapping)
        ):
            raise GraphRunFailed(
                "InvalidRunInput",
                'a graph run\'s input must be {"graph_name": str, "graph_hash": str, '
                f'"state": object}}; got {value!r}',
            )
        engine = value.get("engine", 1)
        per_execution = value.get("steps_per_execution")
        progress = value.get("progress")
        return cls(
            value["graph_name"],
            value["graph_hash"],
            dict(value["state"]),
            engine=engine if isinstance(engine, int) else 1,
            steps_per_execution=per_execution if isinstance(per_execution, int) else None,
            progress=dict(progress) if isinstance(progress, Mapping) else None,
            record_steps=value.get("record_steps") is True,
            config=dict(value["config"]) if isinstance(value.get("config"), Mapping) else None,
            context=value.get("context"),
            subgraph=value.get("subgraph") is True,
        )
