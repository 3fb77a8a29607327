"""Conformance graphs about control flow: sequences, loops, fan-out, defer, Send, Command.

Shapes from LangGraph's docs, model calls replaced by pure functions. Each `*_builder()`
returns an uncompiled `StateGraph`: function_app.py converts it with `from_langgraph`,
tests/langgraph invokes it with LangGraph itself.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal

from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, Send
from typing_extensions import TypedDict

# -- a sequence (docs: "Create a sequence of steps") ------------------------------------


class SequenceState(TypedDict):
    value_1: str
    value_2: int


def step_1(state: SequenceState) -> dict[str, Any]:
    return {"value_1": "a"}


def step_2(state: SequenceState) -> dict[str, Any]:
    current_value_1 = state["value_1"]
    return {"value_1": f"{current_value_1} b"}


def step_3(state: SequenceState) -> dict[str, Any]:
    return {"value_2": 10}


def sequence_builder() -> StateGraph:
    builder = StateGraph(SequenceState)
    builder.add_sequence([step_1, step_2, step_3])
    builder.add_edge(START, "step_1")
    return builder


# -- a conditional loop (docs: "Create and control loops") ------------------------------


class LoopState(TypedDict):
    aggregate: Annotated[list[str], operator.add]


def loop_a(state: LoopState) -> dict[str, Any]:
    return {"aggregate": ["A"]}


def loop_b(state: LoopState) -> dict[str, Any]:
    return {"aggregate": ["B"]}


def loop_route(state: LoopState) -> Literal["b", "__end__"]:
    return "b" if len(state["aggregate"]) < 7 else END


def loop_builder() -> StateGraph:
    builder = StateGraph(LoopState)
    builder.add_node("a", loop_a)
    builder.add_node("b", loop_b)
    builder.add_edge(START, "a")
    builder.add_conditional_edges("a", loop_route)
    builder.add_edge("b", "a")
    return builder


# -- parallel fan-out / fan-in (docs: "Run graph nodes in parallel") --------------------


class FanState(TypedDict):
    aggregate: Annotated[list[str], operator.add]


def _adds(letter: str) -> Any:
    def node(state: FanState) -> dict[str, Any]:
        return {"aggregate": [letter]}

    return node


def fan_out_builder() -> StateGraph:
    builder = StateGraph(FanState)
    for name in ("a", "b", "c", "d"):
        builder.add_node(name, _adds(name.upper()))
    builder.add_edge(START, "a")
    builder.add_edge("a", "b")
    builder.add_edge("a", "c")
    builder.add_edge("b", "d")
    builder.add_edge("c", "d")
    builder.add_edge("d", END)
    return builder


# -- defer=True (docs: "Defer node execution") ------------------------------------------


def defer_builder() -> StateGraph:
    builder = StateGraph(FanState)
    for name in ("a", "b", "b_2", "c"):
        builder.add_node(name, _adds(name.upper()))
    builder.add_node("d", _adds("D"), defer=True)
    builder.add_edge(START, "a")
    builder.add_edge("a", "b")
    builder.add_edge("a", "c")
    builder.add_edge("b", "b_2")
    builder.add_edge("b_2", "d")
    builder.add_edge("c", "d")
    builder.add_edge("d", END)
    return builder


# -- joins: add_edge([...], node) waits for every source ------------------------------


def join_builder() -> StateGraph:
    """Branches of different lengths joined: d waits for b_2 and c (docs: parallel branches)."""
    builder = StateGraph(FanState)
    for name in ("a", "b", "b_2", "c", "d"):
        builder.add_node(name, _adds(name.upper()))
    builder.add_edge(START, "a")
    builder.add_edge("a", "b")
    builder.add_edge("a", "c")
    builder.add_edge("b", "b_2")
    builder.add_edge(["b_2", "c"], "d")
    builder.add_edge("d", END)
    return builder


def join_same_step_builder() -> StateGraph:
    """Both sources finish in the same superstep."""
    builder = StateGraph(FanState)
    for name in ("a", "b", "c", "d"):
        builder.add_node(name, _adds(name.upper()))
    builder.add_edge(START, "a")
    builder.add_edge("a", "b")
    builder.add_edge("a", "c")
    builder.add_edge(["b", "c"], "d")
    return builder


def _b_again(state: FanState) -> list[str]:
    return ["b"] if state["aggregate"].count("B") < 3 else []


def join_loop_builder() -> StateGraph:
    """A source that loops: the join completes once, then sees only that source again."""
    builder = StateGraph(FanState)
    for name in ("a", "b", "c", "d"):
        builder.add_node(name, _adds(name.upper()))
    builder.add_edge(START, "a")
    builder.add_edge("a", "b")
    builder.add_edge("a", "c")
    builder.add_conditional_edges("b", _b_again, ["b"])
    builder.add_edge(["b", "c"], "d")
    return builder


# -- map-reduce with Send (docs: "Map-reduce branches") ---------------------------------


class OverallState(TypedDict):
    topic: str
    subjects: list[str]
    jokes: Annotated[list[str], operator.add]
    best_selected_joke: str


class JokeState(TypedDict):
    subject: str


def generate_topics(state: OverallState) -> dict[str, Any]:
    return {"subjects": [f"{state['topic']} {kind}" for kind in ("lions", "elephants", "owls")]}


def generate_joke(state: JokeState) -> dict[str, Any]:
    return {"jokes": [f"Why did the {state['subject']} cross the road?"]}


def continue_to_jokes(state: OverallState) -> list[Send]:
    return [Send("generate_joke", {"subject": s}) for s in state["subjects"]]


def best_joke(state: OverallState) -> dict[str, Any]:
    return {"best_selected_joke": max(state["jokes"], key=len)}


def map_reduce_builder() -> StateGraph:
    builder = StateGraph(OverallState)
    builder.add_node("generate_topics", generate_topics)
    builder.add_node("generate_joke", generate_joke)
    builder.add_node("best_joke", best_joke)
    builder.add_edge(START, "generate_topics")
    builder.add_conditional_edges("generate_topics", continue_to_jokes, ["generate_joke"])
    builder.add_edge("generate_joke", "best_joke")
    builder.add_edge("best_joke", END)
    return builder


# -- Command(goto, update) (docs: "Combine control flow and state updates with Command") -


class CommandState(TypedDict):
    foo: str
    path: Annotated[list[str], operator.add]


def node_a(state: CommandState) -> Command[Literal["node_b", "node_c"]]:
    goto = "node_b" if state["foo"].startswith("b") else "node_c"
    return Command(update={"foo": state["foo"] + "!", "path": ["a"]}, goto=goto)


def node_b(state: CommandState) -> dict[str, Any]:
    return {"foo": state["foo"] + "b", "path": ["b"]}


def node_c(state: CommandState) -> dict[str, Any]:
    return {"foo": state["foo"] + "c", "path": ["c"]}


def command_builder() -> StateGraph:
    builder = StateGraph(CommandState)
    builder.add_edge(START, "node_a")
    builder.add_node(node_a)
    builder.add_node(node_b)
    builder.add_node(node_c)
    return builder


# -- a conditional entry into parallel nodes, an async node, Sends from a Command --------


class EntryState(TypedDict):
    words: list[str]
    seen: Annotated[list[str], operator.add]
    lengths: Annotated[list[int], operator.add]


def pick_entry(state: EntryState) -> list[str]:
    return ["left", "right"] if len(state["words"]) > 1 else ["left"]


def left(state: EntryState) -> dict[str, Any]:
    return {"seen": [f"left:{state['words'][0]}"]}


async def right(state: EntryState) -> dict[str, Any]:
    return {"seen": [f"right:{state['words'][-1]}"]}


def fan_words(state: EntryState) -> Command[Literal["measure"]]:
    return Command(goto=[Send("measure", {"word": w}) for w in state["words"]])


def measure(arg: dict[str, str]) -> dict[str, Any]:
    return {"lengths": [len(arg["word"])]}


def entry_builder() -> StateGraph:
    builder = StateGraph(EntryState)
    builder.add_node("left", left)
    builder.add_node("right", right)
    builder.add_node("fan_words", fan_words)
    builder.add_node("measure", measure)
    builder.set_conditional_entry_point(pick_entry, ["left", "right"])
    builder.add_edge("left", "fan_words")
    builder.add_edge("right", "fan_words")
    return builder


#: Graphs with an async node: LangGraph runs them with `ainvoke` only.
ASYNC_GRAPHS = {"lg_entry"}

#: graph name -> (builder factory, an input as given to `compiled.invoke`)
GRAPHS: dict[str, tuple[Any, dict[str, Any]]] = {
    "lg_sequence": (sequence_builder, {"value_1": "", "value_2": 0}),
    "lg_loop": (loop_builder, {"aggregate": []}),
    "lg_fan_out": (fan_out_builder, {"aggregate": []}),
    "lg_defer": (defer_builder, {"aggregate": []}),
    "lg_join": (join_builder, {"aggregate": []}),
    "lg_join_same_step": (join_same_step_builder, {"aggregate": []}),
    "lg_join_loop": (join_loop_builder, {"aggregate": []}),
    "lg_map_reduce": (map_reduce_builder, {"topic": "animals"}),
    "lg_command": (command_builder, {"foo": "bar", "path": []}),
    "lg_entry": (entry_builder, {"words": ["durable", "graphs", "go"]}),
}
