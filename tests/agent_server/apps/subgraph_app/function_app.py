"""The subgraph-interrupt graphs of sg_graphs.py, converted with from_langgraph."""

import azure.functions as func
from sg_graphs import GRAPHS

from azure_functions_durable_graph import DurableGraphApp
from azure_functions_durable_graph.langgraph import from_langgraph

runtime = DurableGraphApp(http_auth_level=func.AuthLevel.ANONYMOUS)
for graph_name, make_builder in GRAPHS.items():
    runtime.register_registration(from_langgraph(make_builder().compile(), graph_name=graph_name))
app = runtime.function_app
