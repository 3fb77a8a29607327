"""The comparison's workloads, defined once so every system runs exactly the same thing.

Each node does `count += 1` (or doubles one item in the fan-out) on a state
that carries a payload string, so what is measured is each system's own cost
per step: scheduling, persistence, replay.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LINEAR_NODES = 10
FANOUT_ITEMS = 50
AGENT_TOOL_CALLS = 20  # bench/agent_graph.py's TOOL_CALLS


@dataclass(frozen=True)
class Workload:
    """One workload: its graph shape, its length and the size of the state's payload."""

    name: str
    kind: str  # "linear", "loop", "fanout" or "agent"
    steps: int  # node executions per run
    payload_bytes: int

    def initial_state(self) -> dict[str, Any]:
        if self.kind == "fanout":
            return {"items": list(range(FANOUT_ITEMS))}
        if self.kind == "agent":
            return {"messages": [{"role": "user", "content": "count", "id": "question"}]}
        limit = self.steps if self.kind == "loop" else 0
        return {"count": 0, "limit": limit, "payload": "x" * self.payload_bytes}

    def check(self, state: dict[str, Any]) -> None:
        """Raise WrongResult unless `state` is what this workload must end with."""
        if self.kind == "fanout":
            expected = sum(2 * i for i in range(FANOUT_ITEMS))
            found = (state.get("total"), len(state.get("results") or []))
            if found != (expected, FANOUT_ITEMS):
                raise WrongResult(
                    f"{self.name}: expected total {expected} from 50 results, "
                    f"found total/results {found}"
                )
            return
        if self.kind == "agent":
            _check_agent(self.name, state)
            return
        expected_count = self.steps
        if state.get("count") != expected_count or len(state.get("payload", "")) != (
            self.payload_bytes
        ):
            raise WrongResult(
                f"{self.name}: expected count {expected_count} and a {self.payload_bytes}-byte "
                f"payload, found count {state.get('count')!r}"
            )


def _check_agent(name: str, state: dict[str, Any]) -> None:
    """The conversation: the question, 20 tool calls with their results, the answer."""
    messages = state.get("messages") or []
    expected = 2 + 2 * AGENT_TOOL_CALLS
    last = _content(messages[-1]) if messages else None
    answer = f"done after {AGENT_TOOL_CALLS} tool calls"
    if len(messages) != expected or last != answer:
        raise WrongResult(
            f"{name}: expected {expected} messages ending {answer!r}, "
            f"found {len(messages)} ending {last!r}"
        )


def _content(message: Any) -> Any:
    """A message's text: a LangChain message, or its JSON form (plain or serialised)."""
    if isinstance(message, dict):
        return message.get("content", (message.get("kwargs") or {}).get("content"))
    return getattr(message, "content", None)


class WrongResult(RuntimeError):
    """A run finished with a state its workload cannot produce: the benchmark stops."""


class WorkloadUnavailable(RuntimeError):
    """A system cannot run a workload (fan-out before engine v2): reported, never skipped."""


def loop(steps: int, payload_bytes: int = 1024, name: str | None = None) -> Workload:
    return Workload(name or f"loop-{steps}", "loop", steps, payload_bytes)


LINEAR_10 = Workload("linear-10", "linear", LINEAR_NODES, 1024)
# split + one node per item + join
FANOUT_50 = Workload("fanout-50", "fanout", FANOUT_ITEMS + 2, 0)
LOOP_10KB = loop(50, 10 * 1024, name="loop-50-10KB")
# a ReAct agent: one model step per tool call plus the answer, one tool step per call
AGENT_20 = Workload("agent-20", "agent", 2 * AGENT_TOOL_CALLS + 1, 0)

FULL = (LINEAR_10, loop(50), loop(200), loop(800), FANOUT_50, LOOP_10KB, AGENT_20)
QUICK = (
    LINEAR_10, loop(5), loop(20), FANOUT_50, loop(5, 10 * 1024, name="loop-5-10KB"), AGENT_20
)  # fmt: skip
