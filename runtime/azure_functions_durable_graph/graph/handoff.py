"""A subgraph run handing a command to its parent (LangGraph's `Command(graph=Command.PARENT)`).

A node of a subgraph may end its graph's run and tell the parent what to do instead:
it writes ``{"update": {...}, "goto": [targets]}`` under `PARENT_COMMAND` in its
state. The subgraph's run ends after that superstep, and the parent applies the
update (through its own reducers) and the targets as the subgraph node's result,
in place of the keys it would have copied back. A run that is not a subgraph fails
instead: it has no parent to command.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PARENT_COMMAND = "__parent_command__"
NO_PARENT = (
    "Command(graph=Command.PARENT) was returned by a node of a graph that is not a subgraph: "
    "there is no parent graph to send it to"
)


def parent_result(child_state: Mapping[str, Any]) -> tuple[dict[str, Any], list[Any]] | None:
    """The subgraph node's (update, targets) in the parent, when the child ended with a
    parent command."""
    command = child_state.get(PARENT_COMMAND)
    if not isinstance(command, Mapping):
        return None
    return dict(command.get("update") or {}), list(command.get("goto") or [])
