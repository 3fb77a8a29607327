"""The manifest: the serialisable description of a graph, and its hash.

The orchestrator only ever reads the manifest; handlers live beside it in the
`GraphRegistration` and are looked up by name inside activities.
"""

# No ``from __future__ import annotations``: pydantic would compile each field's string
# annotation when the models are declared, at every cold start.

import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import to_jsonable_python

if TYPE_CHECKING:
    from .codec import StateCodec
    from .types import RetryPolicy

#: A node handler: ``handler(state) -> dict | state model | None`` (sync or async).
NodeHandler: TypeAlias = Callable[[Any], Any | Awaitable[Any]]
#: A route handler: ``route(state) -> RouteDecision | str | dict | None`` (sync or async).
RouteHandler: TypeAlias = Callable[[Any], Any | Awaitable[Any]]
#: An event handler: ``handler(state, payload) -> dict | state model | None`` (sync or async).
EventHandler: TypeAlias = Callable[[Any, Any], Any | Awaitable[Any]]

DEFAULT_MAX_STEPS = 1000
#: Supersteps per Durable execution before the run continues as new (bounded history);
#: chosen by measurement (docs/graphs.md, "Bounded history"). Pinned in each run's input.
DEFAULT_STEPS_PER_EXECUTION = 10
HASH_LENGTH = 16


class NodeDefinition(BaseModel):
    """One node: its static edge, whether a route decides instead, and whether it ends the run.

    `route_targets` is what a route declared it may choose (node names and/or
    ``"__complete__"``); None means the route's choices are only known at run time.
    """

    # Validators are built on first use (a request, a run), not at every cold start:
    # ManifestBuilder.build() constructs checked values through as_validated.py.
    model_config = ConfigDict(frozen=True, defer_build=True)

    name: str
    next_node: str | tuple[str, ...] | None = None
    has_route: bool = False
    terminal: bool = False
    route_targets: tuple[str, ...] | None = None
    defer: bool = False
    retry: dict[str, Any] | None = None
    timeout_seconds: float | None = None
    on_error: str | None = None
    subgraph: dict[str, Any] | None = None
    input_model: str | None = None
    send_reads_state: bool = False
    answer_model: str | None = None

    @property
    def next_nodes(self) -> tuple[str, ...]:
        """The static edges as a tuple (one, several for a fan-out, or none)."""
        if self.next_node is None:
            return ()
        if isinstance(self.next_node, str):
            return (self.next_node,)
        return self.next_node

    def hash_content(self) -> dict[str, Any]:
        """The node's part of the graph hash.

        Optional fields left at their defaults are left out, so graphs that do not
        use them keep the hash they had before the field existed (runs in flight
        stay valid).
        """
        # model_dump(mode="json") without building the serializer: the same pydantic-core
        # rules for the `Any` values (inf and nan as null), the typed fields are JSON types
        # already (timeout_seconds is finite).
        content: dict[str, Any] = to_jsonable_python(dict(self), inf_nan_mode="null")
        # How the state travels to a Send task, not what the graph does: never hashed, so
        # graphs gaining it (LangGraph ToolNodes) keep the hash their runs in flight pinned.
        del content["send_reads_state"]
        for key in _OPTIONAL_NODE_FIELDS:
            if content[key] in (None, False):
                del content[key]
        return content


_OPTIONAL_NODE_FIELDS = (
    "route_targets",
    "defer",
    "retry",
    "timeout_seconds",
    "on_error",
    "subgraph",
    "input_model",
    "answer_model",
)


class GraphManifest(BaseModel):
    """What the orchestrator, the HTTP API and the hash see of a graph."""

    model_config = ConfigDict(frozen=True, defer_build=True)  # as NodeDefinition's

    graph_name: str
    version: str
    graph_hash: str
    state_model_name: str
    state_schema: dict[str, Any]
    entrypoint: str
    nodes: dict[str, NodeDefinition]
    event_handlers: list[str]
    metadata: dict[str, Any] = Field(default_factory=dict)
    max_steps: int = DEFAULT_MAX_STEPS
    reducers: dict[str, str] = Field(default_factory=dict)
    event_payloads: dict[str, dict[str, Any]] = Field(default_factory=dict)
    #: JSON schema of each node's `answer_model` (what a resume of its interrupts must be).
    answer_schemas: dict[str, dict[str, Any]] = Field(default_factory=dict)
    steps_per_execution: int = DEFAULT_STEPS_PER_EXECUTION
    #: How the engine's node timeouts are named, for graphs that mirror another library
    #: (from_langgraph): "timeout:<node>" -> {"type", "message"}. Not hashed (builder.py).
    error_forms: dict[str, dict[str, str]] = Field(default_factory=dict)
    #: LangGraph's compile-time breakpoints (durable/breakpoints.py): "*" or node names.
    #: Hashed only when set, so graphs without them keep their hash.
    interrupt_before: list[str] | Literal["*"] = Field(default_factory=list)
    interrupt_after: list[str] | Literal["*"] = Field(default_factory=list)

    @property
    def edges(self) -> list[tuple[str, str]]:
        """Static edges (node, next node); routed edges are only known at run time."""
        return [(n.name, target) for n in self.nodes.values() for target in n.next_nodes]


def compute_graph_hash(content: Mapping[str, Any]) -> str:
    """Hash of the canonical JSON of everything in the manifest except the hash itself.

    Canonical means sorted keys and no whitespace, so the hash is stable across
    processes and Python versions and changes whenever any part changes.
    """
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


@dataclass(frozen=True)
class GraphRegistration:
    """A built graph: its manifest plus the handlers the activities call by name."""

    manifest: GraphManifest
    state_model: type[BaseModel] | None
    node_handlers: Mapping[str, NodeHandler]
    route_handlers: Mapping[str, RouteHandler]
    event_handlers: Mapping[str, EventHandler]
    codec: "StateCodec" = field(default=None)  # type: ignore[assignment]  # set in __post_init__
    input_models: Mapping[str, type[BaseModel]] = field(default_factory=dict)
    event_payload_models: Mapping[str, type[BaseModel]] = field(default_factory=dict)
    #: node -> the model every answer to that node's interrupts must validate against.
    answer_models: Mapping[str, type[BaseModel]] = field(default_factory=dict)
    retry_policies: Mapping[str, "RetryPolicy"] = field(default_factory=dict)
    subgraphs: Mapping[str, "GraphRegistration"] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.codec is None:
            if self.state_model is None:
                raise TypeError("a GraphRegistration needs a state_model or a codec")
            from .codec import PydanticCodec

            object.__setattr__(
                self, "codec", PydanticCodec(self.state_model, graph_name=self.graph_name)
            )

    @property
    def graph_name(self) -> str:
        return self.manifest.graph_name

    @property
    def graph_hash(self) -> str:
        return self.manifest.graph_hash
