"""The Agent Server test graphs, and a gated one, with HTTP streaming on: every HTTP
function takes FastAPI's Request, and streams follow their runs live.
"""

import importlib
import sys
from pathlib import Path

import azure.functions as func
from gated_graphs import gated_builder

from azure_functions_durable_graph import DurableGraphApp
from azure_functions_durable_graph.langgraph import from_langgraph

AGENT_APP = str(Path(__file__).parents[1] / "agent_app")
sys.path.insert(0, AGENT_APP)  # its graphs; taken off again so other apps import their own
try:
    GRAPHS = importlib.import_module("agent_graphs").GRAPHS
finally:
    sys.path.remove(AGENT_APP)

runtime = DurableGraphApp(http_auth_level=func.AuthLevel.ANONYMOUS, http_streaming=True)
for graph_name, make_builder in {**GRAPHS, "gated": gated_builder}.items():
    runtime.register_registration(from_langgraph(make_builder(), graph_name=graph_name))
app = runtime.function_app
