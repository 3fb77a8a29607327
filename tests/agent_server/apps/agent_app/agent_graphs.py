"""The graphs the Agent Server API tests drive, as plain LangGraph StateGraphs.

`langgraph dev` serves them as they are (langgraph.json); function_app.py serves
them on Durable Functions through from_langgraph. The chat model is a deterministic
fake: it answers from what it was told, so both servers give the same conversation.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from langchain_core.messages import AIMessage, AnyMessage
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.types import interrupt
from typing_extensions import TypedDict


class ChatState(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]


def chat(state: ChatState) -> dict[str, Any]:
    """A fake model: repeats the last message and counts the turns it has seen."""
    said = [m for m in state["messages"] if m.type == "human"]
    last = said[-1].content if said else ""
    if isinstance(last, str) and last.startswith("slowly:"):
        time.sleep(3)  # a model taking its time (the crash tests kill the host meanwhile)
    return {"messages": [AIMessage(content=f"you said {last!r} (turn {len(said)})")]}


def chatbot_builder() -> StateGraph[Any, Any, Any, Any]:
    builder = StateGraph(ChatState)
    builder.add_node("chat", chat)
    builder.add_edge(START, "chat")
    builder.add_edge("chat", END)
    return builder


class ReviewState(TypedDict, total=False):
    topic: str
    draft: str
    verdict: str


def write(state: ReviewState) -> dict[str, Any]:
    return {"draft": f"a draft about {state.get('topic', 'nothing')}"}


def review(state: ReviewState) -> dict[str, Any]:
    answer = interrupt({"question": "approve?", "draft": state.get("draft")})
    return {"verdict": f"reviewer said {answer}"}


def publish(state: ReviewState) -> dict[str, Any]:
    return {"draft": f"{state.get('draft')} [{state.get('verdict')}]"}


def review_builder() -> StateGraph[Any, Any, Any, Any]:
    builder = StateGraph(ReviewState)
    builder.add_node("write", write)
    builder.add_node("review", review)
    builder.add_node("publish", publish)
    builder.add_edge(START, "write")
    builder.add_edge("write", "review")
    builder.add_edge("review", "publish")
    builder.add_edge("publish", END)
    return builder


def failing(state: ReviewState) -> dict[str, Any]:
    raise ValueError(f"cannot handle {state.get('topic')!r}")


def failing_builder() -> StateGraph[Any, Any, Any, Any]:
    builder = StateGraph(ReviewState)
    builder.add_node("fail", failing)
    builder.add_edge(START, "fail")
    builder.add_edge("fail", END)
    return builder


class SlowState(TypedDict, total=False):
    seconds: float
    slept: float


def sleep(state: SlowState) -> dict[str, Any]:
    """Keeps its run busy for a while (for the multitask strategies)."""
    time.sleep(state.get("seconds", 0))
    return {"slept": state.get("seconds", 0)}


def slow_builder() -> StateGraph[Any, Any, Any, Any]:
    builder = StateGraph(SlowState)
    builder.add_node("sleep", sleep)
    builder.add_edge(START, "sleep")
    builder.add_edge("sleep", END)
    return builder


# What langgraph.json points at (compiled graphs, as `langgraph dev` wants them).
chatbot = chatbot_builder().compile()
reviewer = review_builder().compile()
failer = failing_builder().compile()
slow = slow_builder().compile()

GRAPHS = {
    "chatbot": chatbot_builder,
    "reviewer": review_builder,
    "failer": failing_builder,
    "slow": slow_builder,
}
