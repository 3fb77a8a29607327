"""Every conformance graph of lg_flow.py, lg_features.py, lg_gaps.py and lg_joins.py,
converted with from_langgraph."""

import azure.functions as func
from lg_features import GRAPHS as FEATURE_GRAPHS
from lg_flow import GRAPHS as FLOW_GRAPHS
from lg_gaps import GRAPHS as GAP_GRAPHS
from lg_gaps import OPTIONS
from lg_joins import GRAPHS as JOIN_GRAPHS

from azure_functions_durable_graph import DurableGraphApp
from azure_functions_durable_graph.langgraph import from_langgraph

runtime = DurableGraphApp(http_auth_level=func.AuthLevel.ANONYMOUS)
for graph_name, (make_builder, _) in {
    **FLOW_GRAPHS,
    **FEATURE_GRAPHS,
    **GAP_GRAPHS,
    **JOIN_GRAPHS,
}.items():
    options = OPTIONS.get(graph_name, {})
    runtime.register_registration(from_langgraph(make_builder(), graph_name=graph_name, **options))
app = runtime.function_app
