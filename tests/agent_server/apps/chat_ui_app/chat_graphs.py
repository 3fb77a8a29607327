"""A chat agent with a tool that asks a human first: what a chat page's `useStream` shows.

`langgraph dev` serves it as it is (langgraph.json); function_app.py serves it on Durable
Functions through from_langgraph. The model is a deterministic fake (no network, no LLM):
it answers from the conversation, so both servers give the same messages.
"""

from __future__ import annotations

from typing import Annotated, Any

from langchain_core.messages import AIMessage, AnyMessage, ToolMessage
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.types import interrupt
from typing_extensions import TypedDict

BOOKING = "book "


class ChatState(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]


def model(state: ChatState) -> dict[str, Any]:
    """Echoes the human, calls `book_table` when asked to book, and reports the tool's answer."""
    last = state["messages"][-1]
    turn = sum(1 for m in state["messages"] if m.type == "human")
    if isinstance(last, ToolMessage):
        return {"messages": [AIMessage(content=f"done: {last.content}")]}
    said = str(last.content)
    if said.startswith(BOOKING):
        call = {"name": "book_table", "args": {"party": said[len(BOOKING) :]}, "id": f"call-{turn}"}
        return {"messages": [AIMessage(content="", tool_calls=[call])]}
    return {"messages": [AIMessage(content=f"you said {said!r} (turn {turn})")]}


def book_table(state: ChatState) -> dict[str, Any]:
    """The tool: a human approves the booking first (the interrupt a chat page shows)."""
    call = state["messages"][-1].tool_calls[0]  # type: ignore[union-attr]
    party = call["args"]["party"]
    answer = interrupt({"question": f"book a table for {party}?", "tool": call["name"]})
    get_stream_writer()({"booking": party, "answer": answer})  # the `custom` stream mode
    return {
        "messages": [ToolMessage(content=f"table for {party}: {answer}", tool_call_id=call["id"])]
    }


def route(state: ChatState) -> str:
    last = state["messages"][-1]
    return "book_table" if getattr(last, "tool_calls", None) else END


def assistant_builder() -> StateGraph[Any, Any, Any, Any]:
    builder = StateGraph(ChatState)
    builder.add_node("model", model)
    builder.add_node("book_table", book_table)
    builder.add_edge(START, "model")
    builder.add_conditional_edges("model", route, ["book_table", END])
    builder.add_edge("book_table", "model")
    return builder


# What langgraph.json points at (a compiled graph, as `langgraph dev` wants it).
assistant = assistant_builder().compile()
