"""Conformance graphs for the hand-built shapes issue 20 listed as gaps: subgraph schemas,
nested `.invoke()` with interrupts, repeated writes of one key, retries on timeouts, Send
arguments, limits, joins and `typing.TypedDict` states.

Each `*_builder()` returns an uncompiled `StateGraph`: function_app.py converts it with
`from_langgraph`, tests/langgraph invokes it with LangGraph itself.
"""

from __future__ import annotations

import asyncio
import operator
import typing
from typing import Annotated, Any

from langchain_core.messages import AIMessage, AnyMessage, RemoveMessage
from langgraph.errors import NodeTimeoutError
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages, push_message
from langgraph.types import Command, Overwrite, RetryPolicy, Send, interrupt
from typing_extensions import TypedDict

# -- a subgraph node whose input and output schemas differ ----------------------------


class PipelineState(TypedDict, total=False):
    topic: str
    notes: str  # the subgraph reads it but does not return it
    summary: str  # the subgraph returns it
    scratch: str  # the subgraph's own key, in neither of its schemas


class SummaryIn(TypedDict):
    topic: str
    notes: str


class SummaryOut(TypedDict):
    summary: str


class SummaryState(TypedDict, total=False):
    topic: str
    notes: str
    summary: str
    scratch: str


def summarise(state: SummaryState) -> dict[str, Any]:
    return {
        "summary": f"{state['topic']}: {state['notes']}",
        "notes": "changed inside",
        "scratch": "private",
    }


def summary_subgraph() -> Any:
    builder = StateGraph(SummaryState, input_schema=SummaryIn, output_schema=SummaryOut)
    builder.add_node("summarise", summarise)
    builder.add_edge(START, "summarise")
    return builder.compile()


def take_notes(state: PipelineState) -> dict[str, Any]:
    return {"notes": f"notes on {state['topic']}"}


def subgraph_schemas_builder() -> StateGraph:
    builder = StateGraph(PipelineState)
    builder.add_node("take_notes", take_notes)
    builder.add_node("summary", summary_subgraph())
    builder.add_edge(START, "take_notes")
    builder.add_edge("take_notes", "summary")
    return builder


# -- a Send to a subgraph whose output schema is the parent's state --------------------


class GatherState(TypedDict):
    items: list[str]
    results: Annotated[list[str], operator.add]


class ItemIn(TypedDict):
    item: str


class ItemState(TypedDict, total=False):
    item: str
    results: Annotated[list[str], operator.add]


def handle_item(state: ItemState) -> dict[str, Any]:
    return {"results": [state["item"].upper()]}


def item_subgraph() -> Any:
    builder = StateGraph(ItemState, input_schema=ItemIn, output_schema=GatherState)
    builder.add_node("handle_item", handle_item)
    builder.add_edge(START, "handle_item")
    return builder.compile()


def plan_items(state: GatherState) -> dict[str, Any]:
    return {}


def send_items(state: GatherState) -> list[Send]:
    return [Send("item", {"item": item}) for item in state["items"]]


def send_to_subgraph_builder() -> StateGraph:
    builder = StateGraph(GatherState)
    builder.add_node("plan", plan_items)
    builder.add_node("item", item_subgraph())
    builder.add_edge(START, "plan")
    builder.add_conditional_edges("plan", send_items)
    return builder


# -- one node writing a reducer key several times -------------------------------------


class TallyState(TypedDict):
    log: Annotated[list[str], operator.add]


def start_log(state: TallyState) -> dict[str, Any]:
    return {"log": ["started"]}


def rewrite_log(state: TallyState) -> list[Command]:
    return [
        Command(update={"log": ["dropped"]}),
        Command(update={"log": Overwrite(["rewritten"])}),
        Command(update={"log": ["ignored after the overwrite"]}),
    ]


def overwrite_builder() -> StateGraph:
    builder = StateGraph(TallyState)
    builder.add_node("start_log", start_log)
    builder.add_node("rewrite_log", rewrite_log)
    builder.add_edge(START, "start_log")
    builder.add_edge("start_log", "rewrite_log")
    return builder


class ChatState(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]


def reply_and_forget(state: ChatState) -> list[Command]:
    first = state["messages"][0]
    return [
        Command(update={"messages": [AIMessage("noted", id="ai-1")]}),
        Command(update={"messages": [RemoveMessage(id=str(first.id))]}),
    ]


def remove_message_builder() -> StateGraph:
    builder = StateGraph(ChatState)
    builder.add_node("reply_and_forget", reply_and_forget)
    builder.add_edge(START, "reply_and_forget")
    return builder


# -- a path function reading a key its node returned but the state does not declare ---


class GateState(TypedDict):
    value: int


def score(state: GateState) -> dict[str, Any]:
    return {"value": state["value"] + 1, "verdict": "high" if state["value"] > 1 else "low"}


def by_verdict(state: dict[str, Any]) -> str:
    return "high" if state.get("verdict") == "high" else "low"


def high(state: GateState) -> dict[str, Any]:
    return {"value": state["value"] * 100}


def low(state: GateState) -> dict[str, Any]:
    return {"value": -state["value"]}


def undeclared_key_builder() -> StateGraph:
    builder = StateGraph(GateState)
    builder.add_node("score", score)
    builder.add_node("high", high)
    builder.add_node("low", low)
    builder.add_edge(START, "score")
    builder.add_conditional_edges("score", by_verdict, ["high", "low"])
    return builder


# -- a Send whose argument is a Command ----------------------------------------------


class RelayState(TypedDict):
    received: Annotated[list[str], operator.add]
    hops: int


def relay(state: RelayState) -> dict[str, Any]:
    return {}


def send_command(state: RelayState) -> list[Send]:
    return [Send("hop", Command(update={"hops": 7}))]  # type: ignore[arg-type]


def hop(state: Any) -> dict[str, Any]:
    # A Send's argument reaches the node as it is: here a Command, not a state.
    assert isinstance(state, Command), state
    return {"received": [f"update={state.update}, goto={state.goto}"]}


def send_command_builder() -> StateGraph:
    builder = StateGraph(RelayState)
    builder.add_node("relay", relay)
    builder.add_node("hop", hop)
    builder.add_edge(START, "relay")
    builder.add_conditional_edges("relay", send_command)
    return builder


# -- a loop that counts up to `stop_at`, run with a small recursion_limit ----------------


class CounterState(TypedDict):
    count: int
    stop_at: int


def count_up(state: CounterState) -> dict[str, Any]:
    return {"count": state["count"] + 1}


def again(state: CounterState) -> str:
    return "count_up" if state["count"] < state["stop_at"] else END


def long_loop_builder() -> StateGraph:
    builder = StateGraph(CounterState)
    builder.add_node("count_up", count_up)
    builder.add_edge(START, "count_up")
    builder.add_conditional_edges("count_up", again, ["count_up", END])
    return builder


def limited_entry_builder() -> StateGraph:
    """The loop entered through a path function (a conditional entry)."""
    builder = StateGraph(CounterState)
    builder.add_node("count_up", count_up)
    builder.add_conditional_edges(START, again, ["count_up", END])
    builder.add_conditional_edges("count_up", again, ["count_up", END])
    return builder


# -- a node timeout retried by RetryPolicy(retry_on=NodeTimeoutError) ------------------

SLOW_CALLS: list[str] = []


class SlowState(TypedDict):
    tries: Annotated[list[str], operator.add]


async def slow_first(state: SlowState) -> dict[str, Any]:
    SLOW_CALLS.append("call")
    if len(SLOW_CALLS) == 1:
        await asyncio.sleep(1.5)  # past the timeout: the first attempt is abandoned
    return {"tries": [f"attempt {len(SLOW_CALLS)}"]}


def timeout_retry_builder() -> StateGraph:
    builder = StateGraph(SlowState)
    builder.add_node(
        "slow_first",
        slow_first,
        timeout=1.0,
        retry_policy=RetryPolicy(retry_on=NodeTimeoutError, initial_interval=0.1, jitter=False),
    )
    builder.add_edge(START, "slow_first")
    return builder


async def too_slow(state: SlowState) -> dict[str, Any]:
    await asyncio.sleep(1.5)
    return {"tries": ["too late"]}


def timeout_builder() -> StateGraph:
    builder = StateGraph(SlowState)
    builder.add_node("too_slow", too_slow, timeout=0.5)
    builder.add_edge(START, "too_slow")
    return builder


# -- two parallel writers of a plain key ----------------------------------------------


class VerdictState(TypedDict):
    verdict: str


def fan(state: VerdictState) -> dict[str, Any]:
    return {}


def approve(state: VerdictState) -> dict[str, Any]:
    return {"verdict": "approved"}


def reject(state: VerdictState) -> dict[str, Any]:
    return {"verdict": "rejected"}


def concurrent_write_builder() -> StateGraph:
    builder = StateGraph(VerdictState)
    builder.add_node("fan", fan)
    builder.add_node("approve", approve)
    builder.add_node("reject", reject)
    builder.add_edge(START, "fan")
    builder.add_edge("fan", "approve")
    builder.add_edge("fan", "reject")
    return builder


# -- a state declared with typing.TypedDict (not typing_extensions') --------------------


class PlainTypedState(typing.TypedDict):
    words: list[str]
    count: int


def count_words(state: PlainTypedState) -> dict[str, Any]:
    return {"count": len(state["words"])}


def typing_typed_dict_builder() -> StateGraph:
    builder = StateGraph(PlainTypedState)
    builder.add_node("count_words", count_words)
    builder.add_edge(START, "count_words")
    return builder


# -- a node calling a compiled graph's .invoke(), which interrupts ---------------------


class AskState(TypedDict, total=False):
    question: str
    answer: str


def ask_human(state: AskState) -> dict[str, Any]:
    return {"answer": interrupt(state["question"])}


def ask_subgraph() -> Any:
    builder = StateGraph(AskState)
    builder.add_node("ask_human", ask_human)
    builder.add_edge(START, "ask_human")
    return builder.compile()


ASK = ask_subgraph()


class DeskState(TypedDict, total=False):
    question: str
    answer: str
    log: Annotated[list[str], operator.add]


def desk(state: DeskState) -> dict[str, Any]:
    result = ASK.invoke({"question": state["question"]})
    return {"answer": result["answer"], "log": [f"desk got {result['answer']}"]}


def nested_interrupt_builder() -> StateGraph:
    builder = StateGraph(DeskState)
    builder.add_node("desk", desk)
    builder.add_edge(START, "desk")
    return builder


# -- push_message() from a node -------------------------------------------------------


def announce(state: ChatState) -> dict[str, Any]:
    push_message(AIMessage("pushed while running", id="pushed-1"))
    return {"messages": [AIMessage("returned", id="returned-1")]}


def push_message_builder() -> StateGraph:
    builder = StateGraph(ChatState)
    builder.add_node("announce", announce)
    builder.add_edge(START, "announce")
    return builder


# -- a stateful subgraph (compiled with checkpointer=True), called once per round --------


class NotebookState(TypedDict, total=False):
    topic: str
    seen: Annotated[list[str], operator.add]
    calls: int


def remember(state: NotebookState) -> dict[str, Any]:
    return {"seen": [state["topic"]], "calls": state.get("calls", 0) + 1}


def notebook_subgraph() -> Any:
    builder = StateGraph(NotebookState)
    builder.add_node("remember", remember)
    builder.add_edge(START, "remember")
    return builder.compile(checkpointer=True)


class RoundsState(TypedDict, total=False):
    topic: str
    seen: Annotated[list[str], operator.add]
    calls: int
    round: int


def next_round(state: RoundsState) -> dict[str, Any]:
    return {"round": state.get("round", 0) + 1, "topic": f"topic {state.get('round', 0)}"}


def another_round(state: RoundsState) -> str:
    return "next_round" if state["round"] < 3 else END


def stateful_subgraph_builder() -> StateGraph:
    builder = StateGraph(RoundsState)
    builder.add_node("next_round", next_round)
    builder.add_node("notebook", notebook_subgraph())
    builder.add_edge(START, "next_round")
    builder.add_edge("next_round", "notebook")
    builder.add_conditional_edges("notebook", another_round, ["next_round", END])
    return builder


#: graph name -> (builder factory, an input as given to `compiled.invoke`)
GRAPHS: dict[str, tuple[Any, Any]] = {
    "lg_subgraph_schemas": (subgraph_schemas_builder, {"topic": "durable"}),
    "lg_send_to_subgraph": (send_to_subgraph_builder, {"items": ["a", "b"], "results": []}),
    "lg_overwrite": (overwrite_builder, {"log": []}),
    "lg_remove_message": (
        remove_message_builder,
        {"messages": [{"role": "user", "content": "forget me", "id": "h-1"}]},
    ),
    "lg_undeclared_key": (undeclared_key_builder, {"value": 2}),
    "lg_send_command": (send_command_builder, {"received": [], "hops": 0}),
    "lg_limited_loop": (long_loop_builder, {"count": 0, "stop_at": 6}),
    "lg_limited_entry": (limited_entry_builder, {"count": 0, "stop_at": 5}),
    "lg_timeout_retry": (timeout_retry_builder, {"tries": []}),
    "lg_timeout": (timeout_builder, {"tries": []}),
    "lg_concurrent_write": (concurrent_write_builder, {"verdict": "none"}),
    "lg_stateful_subgraph": (stateful_subgraph_builder, {"round": 0}),
    "lg_typing_typed_dict": (typing_typed_dict_builder, {"words": ["a", "b", "c"]}),
    "lg_nested_interrupt": (nested_interrupt_builder, {"question": "which city?", "log": []}),
    "lg_push_message": (
        push_message_builder,
        {"messages": [{"role": "user", "content": "hello", "id": "h-1"}]},
    ),
}

#: from_langgraph's options (and so the config LangGraph is invoked with), by graph name
OPTIONS: dict[str, dict[str, Any]] = {
    "lg_limited_loop": {"recursion_limit": 7},
    "lg_limited_entry": {"recursion_limit": 6},
}

#: graphs with async nodes, which LangGraph runs with `ainvoke`
ASYNC_GRAPHS = {"lg_timeout_retry", "lg_timeout"}
