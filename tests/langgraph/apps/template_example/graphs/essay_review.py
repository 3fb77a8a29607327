"""Essay review: a LangGraph StateGraph, unchanged, run on Durable Functions.

The graph is plain LangGraph (`pip install 'azure-functions-durable-graph[langgraph]'`):
a draft is written, a person reviews it through `interrupt()`, and the draft
is revised until the reviewer approves it. Replace `write_draft`/`revise`
with model calls; keep them idempotent, as a node can run again after a crash.

    POST /api/graphs/essay_review/runs
    {"input": {"topic": "durable workflows"}}

    GET /api/runs/{instance_id}          -> "interrupts": [{"id", "node", "value"}]
    POST /api/runs/{instance_id}/resume
    {"resume": {"approved": false, "comment": "Shorter, please"}}
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal

from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt
from typing_extensions import TypedDict

from azure_functions_durable_graph.langgraph import from_langgraph


class EssayState(TypedDict):
    topic: str
    draft: str
    comments: Annotated[list[str], operator.add]
    approved: bool


def write_draft(state: EssayState) -> dict[str, Any]:
    return {"draft": f"An essay on {state['topic']}."}


def review(state: EssayState) -> dict[str, Any]:
    # The run pauses here until POST /api/runs/{id}/resume answers; then the node runs
    # again from its start and interrupt() returns the answer.
    verdict = interrupt({"draft": state["draft"], "question": "Approve this draft?"})
    if verdict.get("approved"):
        return {"approved": True}
    return {"approved": False, "comments": [verdict.get("comment", "")]}


def revise(state: EssayState) -> dict[str, Any]:
    return {"draft": f"{state['draft']} (revised: {state['comments'][-1]})"}


def after_review(state: EssayState) -> Literal["revise", "__end__"]:
    return END if state["approved"] else "revise"


builder = StateGraph(EssayState)
builder.add_node("write_draft", write_draft)
builder.add_node("review", review)
builder.add_node("revise", revise)
builder.add_edge(START, "write_draft")
builder.add_edge("write_draft", "review")
builder.add_conditional_edges("review", after_review)
builder.add_edge("revise", "review")

registration = from_langgraph(builder, graph_name="essay_review", version="1")
