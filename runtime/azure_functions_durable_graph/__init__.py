"""Graph workflows on Azure Durable Functions.

Only the graph runtime is imported here (cold starts matter): the local host,
the CLI, `testing` and the OpenAPI builder load on first use.
"""

from __future__ import annotations

from .app import DurableGraphApp
from .errors import (
    DurableGraphError,
    GraphError,
    GraphNotFound,
    GraphRunFailed,
    GraphVersionNotRegistered,
    ManifestError,
    NodeExecutionError,
    RouteError,
    StateMergeError,
    StepLimitExceeded,
)
from .graph.builder import ManifestBuilder
from .graph.diagram import to_mermaid
from .graph.manifest import GraphManifest, GraphRegistration, NodeDefinition
from .graph.routing import RouteDecision

__version__ = "0.1.0"

__all__ = [
    "DurableGraphApp",
    "DurableGraphError",
    "GraphError",
    "GraphManifest",
    "GraphNotFound",
    "GraphRegistration",
    "GraphRunFailed",
    "GraphVersionNotRegistered",
    "ManifestBuilder",
    "ManifestError",
    "NodeDefinition",
    "NodeExecutionError",
    "RouteDecision",
    "RouteError",
    "StateMergeError",
    "StepLimitExceeded",
    "__version__",
    "to_mermaid",
]
