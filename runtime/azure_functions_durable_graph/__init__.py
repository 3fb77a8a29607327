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
from .graph.interrupts import NodeErrorInfo, interrupt, node_error
from .graph.manifest import GraphManifest, GraphRegistration, NodeDefinition
from .graph.routing import RouteDecision
from .graph.types import Command, NodeTimeout, RetryPolicy, Send

__version__ = "0.1.0"

__all__ = [
    "Command",
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
    "NodeErrorInfo",
    "NodeExecutionError",
    "NodeTimeout",
    "RetryPolicy",
    "RouteDecision",
    "RouteError",
    "Send",
    "StateMergeError",
    "StepLimitExceeded",
    "__version__",
    "interrupt",
    "node_error",
    "to_mermaid",
]
