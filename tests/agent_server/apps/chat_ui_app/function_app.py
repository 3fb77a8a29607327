"""The chat agent of chat_graphs.py on Durable Functions (the graph `langgraph dev` serves)."""

import azure.functions as func
from chat_graphs import assistant_builder

from azure_functions_durable_graph import DurableGraphApp
from azure_functions_durable_graph.langgraph import from_langgraph

runtime = DurableGraphApp(http_auth_level=func.AuthLevel.ANONYMOUS)
runtime.register_registration(from_langgraph(assistant_builder(), graph_name="assistant"))
app = runtime.function_app
