"""Exceptions raised by azure_functions_durable_graph.

DurableGraphError
 +-- GraphError
 |    +-- ManifestError (ValueError)           build() rejected the graph (names the user's line)
 |    +-- GraphNotFound (LookupError)          no graph registered under that name
 |    +-- GraphVersionNotRegistered (LookupError)  a run pins a hash no longer registered
 |    +-- RouteError (ValueError)              a route returned something unusable or undeclared
 |    +-- StateMergeError (ValueError)         a handler's return could not become the state
 |    +-- NodeExecutionError                   a node, route or event handler raised
 |    +-- NodeTimeoutError                     an attempt of a node ran past its timeout
 |    |                                        (old name NodeTimeout, kept as an alias)
 |    +-- StepLimitExceeded                    a run took more steps than the graph allows
 |    +-- GraphRunFailed                       the orchestrator surfaces an activity's error
 +-- LangGraphAdapterError (ValueError; langgraph/errors.py)
 |    +-- UnsupportedFeature                   a LangGraph feature from_langgraph cannot run
 +-- LocalHostError (local/errors.py)          the local host; its leaves are listed there

Not in the tree on purpose: `GraphInterrupt` (graph/interrupts.py) is a BaseException
that pauses a node, not an error; `ApiError` (api/errors.py) and `CliError`
(cli/_common.py) are responses to bad input, turned into a JSON 4xx or an exit code.

Leaves keep the names they are about (graph, node, event, hash) as attributes,
so callers can react without parsing messages.
"""

from __future__ import annotations


class DurableGraphError(Exception):
    """Root of every error this package raises on purpose."""


class GraphError(DurableGraphError):
    """Root of the errors of the graph runtime (graph/, api/, app.py)."""


class ManifestError(GraphError, ValueError):
    """The builder's graph is inconsistent; raised by `ManifestBuilder.build()`."""

    def __init__(self, graph_name: str, message: str) -> None:
        super().__init__(f"Graph {graph_name!r}: {message}")
        self.graph_name = graph_name
        #: The user's ``file:line`` the error is about (set by build()), if known.
        self.declared_at: str | None = None


class GraphNotFound(GraphError, LookupError):
    """No graph with this name is registered on the app."""

    def __init__(self, graph_name: str, registered: list[str]) -> None:
        known = ", ".join(repr(n) for n in registered) or "none"
        super().__init__(f"No graph named {graph_name!r} is registered; registered graphs: {known}")
        self.graph_name = graph_name


class GraphVersionNotRegistered(GraphError, LookupError):
    """A run pins a (name, hash) that this deployment no longer registers.

    Runs keep the hash of the graph they started with, so redeploying a changed
    graph while runs are in flight strands them here instead of running them on
    a graph they were not started with.
    """

    def __init__(self, graph_name: str, graph_hash: str, registered_hashes: list[str]) -> None:
        known = ", ".join(registered_hashes) or "none"
        super().__init__(
            f"Graph {graph_name!r} version with hash {graph_hash!r} is not registered in this "
            f"app (registered hashes for this graph: {known}); keep the old registration "
            "deployed until its runs finish"
        )
        self.graph_name = graph_name
        self.graph_hash = graph_hash


class RouteError(GraphError, ValueError):
    """A route's decision is malformed, names an unknown node or event, or strays from its
    declared route_targets."""

    def __init__(self, graph_name: str, node: str, message: str) -> None:
        super().__init__(f"Graph {graph_name!r}, node {node!r}: {message}")
        self.graph_name = graph_name
        self.node = node


class StateMergeError(GraphError, ValueError):
    """A handler returned something that is not a valid state update."""

    def __init__(self, graph_name: str, source: str, message: str) -> None:
        super().__init__(f"Graph {graph_name!r}, {source}: {message}")
        self.graph_name = graph_name
        self.source = source


class NodeExecutionError(GraphError):
    """User code (node, route or event handler) raised; `source` says which."""

    def __init__(self, graph_name: str, source: str, exc: BaseException) -> None:
        super().__init__(f"Graph {graph_name!r}, {source} raised {type(exc).__name__}: {exc}")
        self.graph_name = graph_name
        self.source = source
        self.exception_type = type(exc).__name__


class NodeTimeoutError(GraphError):
    """An attempt of a node ran past the node's `timeout`; its late result is ignored."""

    def __init__(self, node: str, seconds: float) -> None:
        super().__init__(f"node {node!r} did not finish within its timeout of {seconds:g}s")
        self.node = node
        self.seconds = seconds


#: The name before 0.2 (documented; kept working).
NodeTimeout = NodeTimeoutError


class StepLimitExceeded(GraphError):
    """The run would take more node steps than the graph's `max_steps`."""

    def __init__(self, graph_name: str, max_steps: int, node: str) -> None:
        super().__init__(
            f"Graph {graph_name!r} exceeded its step limit of {max_steps} steps before node "
            f"{node!r}; raise max_steps in ManifestBuilder(...) if the loop is intended"
        )
        self.graph_name = graph_name
        self.max_steps = max_steps
        self.node = node


class GraphRunFailed(GraphError):
    """Raised by the orchestrator with the message of the error an activity reported."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type
