"""One cell of the comparison (a system on a workload) and the reference system.

Its own module so that measuring (compare.py) and reporting (report_compare.py)
both import it and neither imports the other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from bench import workloads as w
from bench.systems import RunFacts

#: The reference every ratio is taken against.
REFERENCE = "langgraph+sqlite-wal-normal"
#: The HTTP path with the step log off: what the step log costs, by difference.
NO_STEP_LOG = "durable-graph http sqlite no-steplog"


@dataclass
class Result:
    system: str
    workload: w.Workload
    seconds: list[float] = field(default_factory=list)
    facts: RunFacts | None = None
    error: str | None = None

    def quantile(self, q: float) -> float:
        """Nearest-rank quantile (with few runs, p99 is the slowest run)."""
        ordered = sorted(self.seconds)
        rank = max(1, min(len(ordered), math.ceil(q * len(ordered))))
        return ordered[rank - 1]

    @property
    def median(self) -> float:
        ordered = sorted(self.seconds)
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle]
        return (ordered[middle - 1] + ordered[middle]) / 2

    @property
    def per_step(self) -> float:
        return self.median / self.workload.steps

    @property
    def spread(self) -> float:
        """(slowest - fastest) / median: how much the runs of this cell disagree."""
        return (max(self.seconds) - min(self.seconds)) / self.median
