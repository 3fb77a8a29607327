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

#: Fields added after 0.2.0, kept out of the carried progress while unused.
_OPTIONAL = ("resuming", "breakpoints")
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
    #: The next superstep follows a resume (breakpoints.py): it is never paused before.
    resuming: bool = False
    #: The breakpoints the answer to a pause set (breakpoints.continue_options); None: the run's.
    breakpoints: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in _OPTIONAL:  # left out at their defaults: older runs' progress unchanged
            if data[key] in (False, None):
                del data[key]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Progress:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    def reject(self, message: Mapping[str, Any], reason: str) -> None:
        """Keep a bounded record of what the run refused, for the status."""
        entry = {k: v for k, v in message.items() if k in ("kind", "name", "answers")}
        self.rejected.append({**entry, "reason": reason})
        del self.rejected[:-REJECTED_KEPT]
