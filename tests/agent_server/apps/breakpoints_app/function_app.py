"""The breakpoint graphs of bp_graphs.py, converted with from_langgraph (compiled with
their compile-time breakpoints where COMPILED names them)."""

import azure.functions as func
from bp_graphs import COMPILED, GRAPHS

from azure_functions_durable_graph import DurableGraphApp
from azure_functions_durable_graph.langgraph import from_langgraph

runtime = DurableGraphApp(http_auth_level=func.AuthLevel.ANONYMOUS)
for graph_name, make_builder in GRAPHS.items():
    compiled = make_builder().compile(**COMPILED.get(graph_name, {}))
    runtime.register_registration(from_langgraph(compiled, graph_name=graph_name))
app = runtime.function_app
