"""A LangGraph graph whose node writes timestamped events with get_stream_writer()
(bench/stream_latency.py), served with the Agent Server API."""

import time
from typing import Any

from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from typing_extensions import TypedDict

from azure_functions_durable_graph import DurableGraphApp
from azure_functions_durable_graph.langgraph import from_langgraph


class State(TypedDict, total=False):
    writes: int
    gap_seconds: float


def writer(state: State) -> dict[str, Any]:
    write = get_stream_writer()
    for index in range(state.get("writes", 200)):
        write({"index": index, "sent": time.time()})
        time.sleep(state.get("gap_seconds", 0.005))
    return {}


builder = StateGraph(State)
builder.add_node("writer", writer)
builder.add_edge(START, "writer")
builder.add_edge("writer", END)
runtime = DurableGraphApp()
runtime.register_registration(from_langgraph(builder, graph_name="writer"))
app = runtime.function_app
