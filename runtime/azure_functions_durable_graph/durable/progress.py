"""What a run carries across continue-as-new: its progress.

After a continue-as-new the run's input (`protocol.RunInput`) also holds
``"progress"``: everything the run knows (state, next tasks, counters, path,
inbox), so the new execution picks up exactly where the old one stopped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from .protocol import Target

#: How many rejected events/resumes the status keeps (oldest dropped first).
REJECTED_KEPT = 20


@dataclass
class Progress:
    """The mutable part of a run; JSON-serialisable as a whole."""

    state: dict[str, Any]
    active: list[Target]
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
