"""Every agent of lg_agents.py and every channel graph of lg_channels.py, via from_langgraph."""

import azure.functions as func
from lg_agents import GRAPHS as AGENTS
from lg_channels import GRAPHS as CHANNELS

from azure_functions_durable_graph import DurableGraphApp
from azure_functions_durable_graph.langgraph import from_langgraph

runtime = DurableGraphApp(http_auth_level=func.AuthLevel.ANONYMOUS)
for graph_name, (make_graph, *_) in {**AGENTS, **CHANNELS}.items():
    runtime.register_registration(from_langgraph(make_graph(), graph_name=graph_name))
app = runtime.function_app
