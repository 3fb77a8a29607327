"""Graphs whose nodes use the LangGraph store, and the Agent Server's store routes."""

import azure.functions as func
from memory_graphs import builders

from azure_functions_durable_graph import DurableGraphApp
from azure_functions_durable_graph.langgraph import from_langgraph

runtime = DurableGraphApp(http_auth_level=func.AuthLevel.ANONYMOUS)
for graph_name, builder in builders().items():
    runtime.register_registration(from_langgraph(builder, graph_name=graph_name))
app = runtime.function_app
