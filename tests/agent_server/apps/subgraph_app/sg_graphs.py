"""Graphs whose `interrupt()` is inside a subgraph node (a compiled graph added as a
node): `sg_ask` (before -> ask[subgraph: note -> question -> after] -> done) and
`sg_nested` (the same subgraph one level deeper). Each `*_builder()` returns an
uncompiled `StateGraph`: function_app.py converts it with `from_langgraph`, and
`langgraph dev` serves it compiled (langgraph.json)."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable
from typing import Annotated, Any

from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt
from typing_extensions import TypedDict


class LogState(TypedDict):
    log: Annotated[list[str], operator.add]


def writes(name: str) -> Callable[[LogState], dict[str, Any]]:
    def node(state: LogState) -> dict[str, Any]:
        return {"log": [name]}

    return node


def question(state: LogState) -> dict[str, Any]:
    answer = interrupt({"question": "go on?", "seen": list(state["log"])})
    return {"log": [f"answer:{answer}"]}


def chain(*nodes: tuple[str, Any]) -> StateGraph:
    builder = StateGraph(LogState)
    for name, node in nodes:
        builder.add_node(name, node)
    names = [name for name, _ in nodes]
    builder.add_edge(START, names[0])
    for left, right in itertools.pairwise(names):
        builder.add_edge(left, right)
    builder.add_edge(names[-1], END)
    return builder


def asking_builder() -> StateGraph:
    """note -> question (interrupts) -> after."""
    return chain(("note", writes("note")), ("question", question), ("after", writes("after")))


def ask_builder() -> StateGraph:
    """before -> ask (the asking subgraph) -> done."""
    sub = asking_builder().compile()
    return chain(("before", writes("before")), ("ask", sub), ("done", writes("done")))


def nested_builder() -> StateGraph:
    """outer -> middle (a subgraph whose node `inner` is the asking subgraph) -> done."""
    middle = chain(("enter", writes("enter")), ("inner", asking_builder().compile())).compile()
    return chain(("outer", writes("outer")), ("middle", middle), ("done", writes("done")))


GRAPHS = {"sg_ask": ask_builder, "sg_nested": nested_builder}
sg_ask = ask_builder().compile()
sg_nested = nested_builder().compile()
