"""LangGraph's breakpoints (`interrupt_before` / `interrupt_after`): where a run pauses
between supersteps, decided from the manifest and the run's input only.

Before the superstep that would run a listed node the run pauses with nothing run;
after a superstep that ran one (and before the next, if there is a next) it pauses
with the writes applied. A pause is a durable wait on the run's inbox that shows in
the status as an interrupt without a value (``{"id", "node", "value": null, "pause":
"before"|"after", "nodes"}``); answering it (a resume with that id) continues the run.
As in LangGraph, the superstep right after a resume is never paused before (LangGraph
marks every channel seen when a run resumes), and ``"*"`` means every node but the
no-op ``__start__`` node (LangGraph hides its START task).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

#: Every node (LangGraph's ``All``).
ALL = "*"
#: The no-op node playing LangGraph's START (langgraph/adapter.py); "*" never names it.
HIDDEN = frozenset({"__start__"})

Breakpoints = list[str] | str
"""A list of node names, or ``"*"``; an empty list: none."""


def valid(value: object) -> bool:
    """Whether `value` is a breakpoint list: ``"*"``, or a list of strings (None: none)."""
    if value is None or value == ALL:
        return True
    return isinstance(value, (list, tuple)) and all(isinstance(n, str) for n in value)


def normalised(value: object) -> Breakpoints:
    """`value` as stored in a run's input or manifest (``"*"`` or a list; [] when none).

    Anything that is not a breakpoint list counts as none: the orchestrator reads this
    from inputs the API has already checked, and must never fail on replay.
    """
    if value == ALL:
        return ALL
    if isinstance(value, (list, tuple)):
        return [n for n in value if isinstance(n, str)]
    return []


def matches(nodes: Sequence[str], listed: Breakpoints) -> list[str]:
    """The nodes of `nodes` that `listed` pauses at (in order, each once)."""
    if listed == ALL:
        chosen = [n for n in nodes if n not in HIDDEN]
    else:
        chosen = [n for n in nodes if n in listed]
    return list(dict.fromkeys(chosen))


def effective(
    when: str,
    override: Mapping[str, Any] | None,
    run_value: object,
    manifest_value: object,
) -> Breakpoints:
    """The list that applies now: LangGraph's ``interrupt_before or compiled`` (a run's
    own list, when it names any, replaces the graph's); `override` is what the answer
    to the last pause set (the list of the run that continued it)."""
    key = f"interrupt_{when}"
    own = override.get(key) if override is not None else run_value
    chosen = normalised(own)
    return chosen if chosen else normalised(manifest_value)


def pause_id(instance_id: str, execution: int, superstep: int, when: str) -> str:
    """A pause's id: 16 hex digits like an interrupt's, stable across replays."""
    seed = f"{instance_id}:pause:{execution}.{superstep}:{when}"
    return hashlib.sha256(seed.encode()).hexdigest()[:16]


def continue_options(value: object) -> dict[str, Any] | None:
    """The breakpoints an answer to a pause sets for the rest of the run, if it sets any:
    ``{"interrupt_before": ..., "interrupt_after": ...}`` (a continuing Agent Server run
    sends its own lists); any other answer (null) keeps the run's."""
    if not isinstance(value, Mapping):
        return None
    keys = ("interrupt_before", "interrupt_after")
    if not value or set(value) - set(keys) or not all(valid(value.get(k)) for k in keys):
        return None
    return {k: normalised(value.get(k)) for k in keys}
