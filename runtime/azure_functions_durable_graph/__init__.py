"""Graph workflows on Azure Durable Functions.

The root imports nothing up front: each exported name is loaded from its module on
first access (PEP 562), so `azure_functions_durable_graph.testing`, the local host
and the CLI start without the graph runtime or Pydantic models, and a deployed app
pays only for what `function_app.py` uses. `__version__` is the package's one
version: pyproject.toml reads it, and the release workflow checks the tag against it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Exported name -> module (relative to this package) that defines it.
_EXPORTS: dict[str, str] = {
    "DurableGraphApp": ".app",
    "DurableGraphError": ".errors",
    "GraphError": ".errors",
    "GraphNotFound": ".errors",
    "GraphRunFailed": ".errors",
    "GraphVersionNotRegistered": ".errors",
    "ManifestError": ".errors",
    "NodeExecutionError": ".errors",
    "NodeTimeout": ".errors",
    "NodeTimeoutError": ".errors",
    "RouteError": ".errors",
    "StateMergeError": ".errors",
    "StepLimitExceeded": ".errors",
    "ManifestBuilder": ".graph.builder",
    "to_mermaid": ".graph.diagram",
    "NodeErrorInfo": ".graph.interrupts",
    "interrupt": ".graph.interrupts",
    "node_error": ".graph.interrupts",
    "GraphManifest": ".graph.manifest",
    "GraphRegistration": ".graph.manifest",
    "NodeDefinition": ".graph.manifest",
    "END": ".graph.routing",
    "RouteDecision": ".graph.routing",
    "Command": ".graph.types",
    "RetryPolicy": ".graph.types",
    "Send": ".graph.types",
}

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time __getattr__ loads these
    from .app import DurableGraphApp
    from .errors import (
        DurableGraphError,
        GraphError,
        GraphNotFound,
        GraphRunFailed,
        GraphVersionNotRegistered,
        ManifestError,
        NodeExecutionError,
        NodeTimeout,
        NodeTimeoutError,
        RouteError,
        StateMergeError,
        StepLimitExceeded,
    )
    from .graph.builder import ManifestBuilder
    from .graph.diagram import to_mermaid
    from .graph.interrupts import NodeErrorInfo, interrupt, node_error
    from .graph.manifest import GraphManifest, GraphRegistration, NodeDefinition
    from .graph.routing import END, RouteDecision
    from .graph.types import Command, RetryPolicy, Send

__all__ = [
    "END",
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
    "NodeTimeoutError",
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


def __getattr__(name: str) -> Any:
    """Import an exported name's module on first access and cache the name here."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
