"""Joins (`add_edge([a, b], c)`) on the engine, triggered as LangGraph triggers them.

In LangGraph a node runs when one of its trigger channels changed: the join's barrier
once every source has finished, or the node's own channel, written by plain edges,
path functions and `Command(goto=...)`. The engine only knows that a node is active, so
the adapter keeps both triggers in hidden state keys: each source of a join writes its
name to the join's key (`join_key`) and activates the target; a plain edge or a `goto`
into a join target also sets the target's trigger flag (`trigger_key`). The target then
runs if its flag is set or its join is complete, consuming what triggered it, and
otherwise does nothing that step (as LangGraph would not have run it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from langgraph.constants import END, START
from langgraph.graph.state import CompiledStateGraph, StateGraph

from .codec import join_key, trigger_key
from .errors import UnsupportedFeature

Join = tuple[tuple[str, ...], str]


@dataclass(frozen=True)
class JoinIn:
    """The join a node is the target of: its barrier key, its sources, its trigger flag."""

    key: str
    sources: frozenset[str]
    trigger: str


@dataclass(frozen=True)
class Joins:
    """A graph's joins, and what each node writes or checks for them."""

    joins: tuple[Join, ...]
    plain_edges: frozenset[tuple[str, str]]

    @property
    def targets(self) -> frozenset[str]:
        return frozenset(target for _, target in self.joins)

    def join_in(self, node: str) -> JoinIn | None:
        for sources, target in self.joins:
            if target == node:
                return JoinIn(join_key(sources, target), frozenset(sources), trigger_key(node))
        return None

    def source_update(self, node: str) -> dict[str, Any]:
        """What `node` writes each time it runs: its name to the joins it is a source of,
        and the trigger flag of each join target it reaches by a plain edge."""
        update: dict[str, Any] = {
            join_key(sources, target): node for sources, target in self.joins if node in sources
        }
        for start, end in sorted(self.plain_edges):
            if start == node and end in self.targets:
                update[trigger_key(end)] = True
        return update

    def goto_triggers(self) -> Mapping[str, str]:
        """Join target -> its trigger flag, for `Command(goto=...)` into a join target."""
        return {target: trigger_key(target) for target in sorted(self.targets)}


def plan_joins(builder: StateGraph[Any, Any, Any, Any], graph_name: str) -> Joins:
    """The graph's joins, checked to be ones the adapter can honour.

    Raises:
        UnsupportedFeature: a join target a path function may choose (its choice cannot set
            the trigger flag), a target of two joins, or a subgraph node as a join target.
    """
    joins = tuple(sorted((starts, end) for starts, end in builder.waiting_edges if end != END))
    why = "a path function's choice of a join's target cannot be told from the join"
    for starts, end in joins:
        label = f"the join add_edge({list(starts)}, {end!r})"
        chosen = [
            source
            for source, branches in builder.branches.items()
            for branch in branches.values()
            if branch.ends and end in branch.ends.values()
        ]
        chosen += [n for n, spec in builder.nodes.items() if spec.ends and end in spec.ends]
        if chosen:
            raise UnsupportedFeature(
                graph_name,
                label,
                f"{why}; {end!r} is also a destination of {sorted(set(chosen))}: reach it "
                "through a node with a plain edge instead",
            )
        if sum(1 for _, e in joins if e == end) > 1:
            raise UnsupportedFeature(graph_name, label, f"{end!r} is the target of several joins")
        if isinstance(builder.nodes[end].runnable, CompiledStateGraph):
            raise UnsupportedFeature(
                graph_name, label, f"its target {end!r} is a subgraph; wrap it in a node"
            )
    plain = frozenset((start, end) for start, end in builder.edges if end != END)
    return Joins(joins, plain)


def start_triggers(joins: Joins) -> dict[str, Any]:
    """The trigger flags START sets: join targets it reaches by a plain edge."""
    return joins.source_update(START)
