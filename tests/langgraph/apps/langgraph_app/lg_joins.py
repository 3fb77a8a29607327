"""Conformance graphs for joins LangGraph runs and from_langgraph once refused: a deferred
target, a target also reached by a plain edge, a subgraph node as a source, joins into and
out of a loop's head.

Each `*_builder()` returns an uncompiled `StateGraph`: function_app.py converts it with
`from_langgraph`, tests/langgraph invokes it with LangGraph itself.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any

from langgraph.graph import START, StateGraph
from typing_extensions import TypedDict

# -- joins LangGraph runs: deferred target, other triggers, subgraph source, loop head ---


class JoinState(TypedDict):
    trail: Annotated[list[str], operator.add]


def _mark(name: str) -> Any:
    def mark(state: JoinState) -> dict[str, Any]:
        return {"trail": [name]}

    mark.__name__ = name
    return mark


def _nodes(builder: StateGraph, *names: str, deferred: str = "") -> StateGraph:
    for name in names:
        builder.add_node(name, _mark(name), defer=name == deferred)
    return builder


def deferred_join_builder() -> StateGraph:
    """The join target is deferred: it waits for the longer branch too."""
    builder = _nodes(StateGraph(JoinState), "a", "b", "c", "c_2", "c_3", "d", deferred="d")
    builder.add_edge(START, "a")
    builder.add_edge("a", "b")
    builder.add_edge("a", "c")
    builder.add_edge("c", "c_2")
    builder.add_edge("c_2", "c_3")
    builder.add_edge(["a", "b"], "d")
    return builder


def join_and_edge_builder() -> StateGraph:
    """d is the target of a join of b and c, and of a plain edge from e (which runs first)."""
    builder = _nodes(StateGraph(JoinState), "a", "b", "b_2", "c", "e", "d")
    builder.add_edge(START, "a")
    builder.add_edge("a", "b")
    builder.add_edge("a", "c")
    builder.add_edge("a", "e")
    builder.add_edge("b", "b_2")
    builder.add_edge("e", "d")
    builder.add_edge(["b_2", "c"], "d")
    return builder


def _one_step_subgraph(name: str) -> Any:
    builder = _nodes(StateGraph(JoinState), f"{name}_inside")
    builder.add_edge(START, f"{name}_inside")
    return builder.compile()


def subgraph_join_source_builder() -> StateGraph:
    builder = _nodes(StateGraph(JoinState), "a", "c", "d")
    builder.add_node("b", _one_step_subgraph("b"))
    builder.add_edge(START, "a")
    builder.add_edge("a", "b")
    builder.add_edge("a", "c")
    builder.add_edge(["b", "c"], "d")
    return builder


def _again_until_three(state: JoinState) -> list[str]:
    return ["head"] if state["trail"].count("head") < 3 else []


def join_loop_head_builder() -> StateGraph:
    """The loop's head is entered from START and then by the join of its two branches."""
    builder = _nodes(StateGraph(JoinState), "head", "left", "right", "tail")
    builder.add_edge(START, "head")
    builder.add_edge("head", "left")
    builder.add_edge("head", "right")
    builder.add_edge(["left", "right"], "tail")
    builder.add_conditional_edges("tail", _again_until_three, ["head"])
    return builder


def join_into_loop_head_builder() -> StateGraph:
    """The join's target is itself the head of the loop (START reaches it by a plain edge)."""
    builder = _nodes(StateGraph(JoinState), "head", "left", "right")
    builder.add_edge(START, "head")
    builder.add_conditional_edges(
        "head",
        lambda state: ["left", "right"] if state["trail"].count("head") < 3 else [],
        ["left", "right"],
    )
    builder.add_edge(["left", "right"], "head")
    return builder


#: graph name -> (builder factory, an input as given to `compiled.invoke`)
GRAPHS: dict[str, tuple[Any, Any]] = {
    "lg_deferred_join": (deferred_join_builder, {"trail": []}),
    "lg_join_and_edge": (join_and_edge_builder, {"trail": []}),
    "lg_subgraph_join_source": (subgraph_join_source_builder, {"trail": []}),
    "lg_join_loop_head": (join_loop_head_builder, {"trail": []}),
    "lg_join_into_loop_head": (join_into_loop_head_builder, {"trail": []}),
}
