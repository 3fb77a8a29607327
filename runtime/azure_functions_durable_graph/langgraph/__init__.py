"""Run LangGraph StateGraphs on Durable Functions: `from_langgraph(graph, graph_name=...)`.

Needs the `langgraph` extra (``pip install 'azure-functions-durable-graph[langgraph]'``);
the rest of the runtime never imports LangGraph.
"""

from __future__ import annotations

try:
    import langgraph.graph  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    from ..extras import install_hint

    raise ImportError(
        "azure_functions_durable_graph.langgraph needs LangGraph: "
        + install_hint("langgraph", deployed=True)
    ) from exc

from .adapter import from_langgraph
from .errors import LangGraphAdapterError, UnsupportedFeature

__all__ = ["LangGraphAdapterError", "UnsupportedFeature", "from_langgraph"]
