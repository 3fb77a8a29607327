"""Runtime core: manifest, builder, routing, state merge, registry, steps, orchestrator, diagram.

Imports only pydantic (and, in the orchestrator's callers, the Durable SDK), so
a deployed app's cold start stays small.
"""

from __future__ import annotations

from .builder import ManifestBuilder
from .diagram import to_mermaid
from .manifest import GraphManifest, GraphRegistration, NodeDefinition
from .registry import GraphRegistry
from .routing import RouteDecision

__all__ = [
    "GraphManifest",
    "GraphRegistration",
    "GraphRegistry",
    "ManifestBuilder",
    "NodeDefinition",
    "RouteDecision",
    "to_mermaid",
]
