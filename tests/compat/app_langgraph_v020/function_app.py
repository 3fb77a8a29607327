"""LangGraph graphs as from_langgraph ran them before issue 20 (do not change: recorded runs
in tests/compat/recorded_langgraph_v020 replay against these)."""

import operator
from typing import Annotated

import azure.functions as func
from langchain_core.messages import AIMessage, AnyMessage
from langchain_core.tools import tool
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.prebuilt import ToolNode, tools_condition
from langgraph.types import interrupt
from typing_extensions import TypedDict

from azure_functions_durable_graph import DurableGraphApp
from azure_functions_durable_graph.langgraph import from_langgraph


class Chat(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]
    notes: Annotated[list[str], operator.add]
    approved: bool


def draft(state: Chat) -> dict:
    asked = state["messages"][-1].content
    return {"messages": [AIMessage(f"draft for {asked}", id="draft")], "notes": ["drafted"]}


def review(state: Chat) -> dict:
    answer = interrupt({"question": "approve?", "draft": state["messages"][-1].content})
    return {"approved": bool(answer), "notes": [f"reviewed: {answer}"]}


def publish(state: Chat) -> dict:
    return {"messages": [AIMessage("published", id="published")], "notes": ["published"]}


def after_review(state: Chat) -> str:
    return "publish" if state["approved"] else END


def build() -> StateGraph:
    builder = StateGraph(Chat)
    builder.add_node("draft", draft)
    builder.add_node("review", review)
    builder.add_node("publish", publish)
    builder.add_edge(START, "draft")
    builder.add_edge("draft", "review")
    builder.add_conditional_edges("review", after_review, ["publish", END])
    builder.add_edge("publish", END)
    return builder


@tool
def shout(text: str) -> str:
    """Say it louder."""
    return text.upper()


def call_tools(state: Chat) -> dict:
    calls = [{"name": "shout", "args": {"text": "hi"}, "id": "call-1"}]
    done = any(m.type == "tool" for m in state["messages"])
    reply = AIMessage("done", id="done") if done else AIMessage("", id="ask", tool_calls=calls)
    return {"messages": [reply]}


def build_tools() -> StateGraph:
    builder = StateGraph(Chat)
    builder.add_node("model", call_tools)
    builder.add_node("tools", ToolNode([shout]))
    builder.add_edge(START, "model")
    builder.add_conditional_edges("model", tools_condition)
    builder.add_edge("tools", "model")
    return builder


runtime = DurableGraphApp(http_auth_level=func.AuthLevel.ANONYMOUS)
runtime.register_registration(from_langgraph(build(), graph_name="review"))
runtime.register_registration(from_langgraph(build_tools(), graph_name="tool_loop"))
app = runtime.function_app
