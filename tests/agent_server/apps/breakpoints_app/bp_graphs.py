"""Graphs for LangGraph's breakpoints (interrupt_before / interrupt_after): a chain, a
loop, and a fan-out whose branches meet again. Each `*_builder()` returns an uncompiled
`StateGraph`: function_app.py converts it with `from_langgraph`, `langgraph dev` serves it
compiled (langgraph.json), and tests/langgraph/test_breakpoints.py compiles it in process."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Annotated, Any

from langgraph.graph import END, START, StateGraph
from typing_extensions import TypedDict


class LogState(TypedDict):
    log: Annotated[list[str], operator.add]


def writes(name: str) -> Callable[[LogState], dict[str, Any]]:
    def node(state: LogState) -> dict[str, Any]:
        return {"log": [name]}

    return node


def chain_builder() -> StateGraph:
    """a -> b -> c."""
    builder = StateGraph(LogState)
    for name in "abc":
        builder.add_node(name, writes(name))
    builder.add_edge(START, "a")
    builder.add_edge("a", "b")
    builder.add_edge("b", "c")
    builder.add_edge("c", END)
    return builder


def again_or_end(state: LogState) -> str:
    return "a" if len(state["log"]) < 6 else END


def loop_builder() -> StateGraph:
    """a -> b -> a ... three times round."""
    builder = StateGraph(LogState)
    builder.add_node("a", writes("a"))
    builder.add_node("b", writes("b"))
    builder.add_edge(START, "a")
    builder.add_edge("a", "b")
    builder.add_conditional_edges("b", again_or_end, ["a", END])
    return builder


def fan_builder() -> StateGraph:
    """a -> (b, c in parallel) -> d."""
    builder = StateGraph(LogState)
    for name in "abcd":
        builder.add_node(name, writes(name))
    builder.add_edge(START, "a")
    builder.add_edge("a", "b")
    builder.add_edge("a", "c")
    builder.add_edge("b", "d")
    builder.add_edge("c", "d")
    builder.add_edge("d", END)
    return builder


def chosen_start_builder() -> StateGraph:
    """START chooses a (the adapter's no-op __start__ node, which "*" never names)."""
    builder = StateGraph(LogState)
    builder.add_node("a", writes("a"))
    builder.add_node("b", writes("b"))
    builder.add_conditional_edges(START, lambda state: "a", ["a"])
    builder.add_edge("a", "b")
    builder.add_edge("b", END)
    return builder


#: compile() breakpoints of the graphs compiled with them.
COMPILED = {"bp_fan_compiled": {"interrupt_before": ["d"], "interrupt_after": ["a"]}}

#: graph name -> builder factory (every graph starts from {"log": []}).
GRAPHS: dict[str, Callable[[], StateGraph]] = {
    "bp_chain": chain_builder,
    "bp_loop": loop_builder,
    "bp_fan": fan_builder,
    "bp_fan_compiled": fan_builder,
    "bp_chosen_start": chosen_start_builder,
}

# What `langgraph dev` serves (langgraph.json): each graph compiled as function_app.py does.
bp_chain = chain_builder().compile()
bp_loop = loop_builder().compile()
bp_fan = fan_builder().compile()
bp_fan_compiled = fan_builder().compile(**COMPILED["bp_fan_compiled"])
bp_chosen_start = chosen_start_builder().compile()
