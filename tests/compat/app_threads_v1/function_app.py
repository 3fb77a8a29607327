"""A chat and a review graph served with the Agent Server API, as recorded by the release
before the thread run lock (tests/compat/record_threads_v1.py). Frozen: the recorded
store pins these graphs' hashes."""

from __future__ import annotations

from typing import Annotated, Any

from langchain_core.messages import AIMessage, AnyMessage
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.types import interrupt
from typing_extensions import TypedDict

from azure_functions_durable_graph import DurableGraphApp
from azure_functions_durable_graph.langgraph import from_langgraph


class ChatState(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]


def chat(state: ChatState) -> dict[str, Any]:
    said = [m for m in state["messages"] if m.type == "human"]
    last = said[-1].content if said else ""
    return {"messages": [AIMessage(content=f"you said {last!r} (turn {len(said)})")]}


class ReviewState(TypedDict, total=False):
    topic: str
    verdict: str


def review(state: ReviewState) -> dict[str, Any]:
    answer = interrupt({"question": "approve?", "topic": state.get("topic")})
    return {"verdict": f"reviewer said {answer}"}


chatbot = StateGraph(ChatState)
chatbot.add_node("chat", chat)
chatbot.add_edge(START, "chat")
chatbot.add_edge("chat", END)
reviewer = StateGraph(ReviewState)
reviewer.add_node("review", review)
reviewer.add_edge(START, "review")
reviewer.add_edge("review", END)

runtime = DurableGraphApp()
runtime.register_registration(from_langgraph(chatbot, graph_name="chatbot"))
runtime.register_registration(from_langgraph(reviewer, graph_name="reviewer"))
app = runtime.function_app
