"""The Agent Server test graphs on Durable Functions (the same graphs `langgraph dev` serves).

Anonymous, unless AGENT_APP_AUTH_LEVEL names another level (tests/agent_server/test_auth.py).
"""

import os

import azure.functions as func
from agent_graphs import GRAPHS

from azure_functions_durable_graph import DurableGraphApp
from azure_functions_durable_graph.langgraph import from_langgraph

auth_level = func.AuthLevel[os.environ.get("AGENT_APP_AUTH_LEVEL", "ANONYMOUS")]
runtime = DurableGraphApp(http_auth_level=auth_level)
for graph_name, make_builder in GRAPHS.items():
    runtime.register_registration(from_langgraph(make_builder(), graph_name=graph_name))
app = runtime.function_app
